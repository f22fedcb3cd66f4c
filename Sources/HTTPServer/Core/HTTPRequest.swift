/// A parsed request, body fully read. The parser hands over `target` verbatim; `path` and `query`
/// are its two halves, still percent-encoded, so the router and static files decide how to decode.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// The request target as sent: `/a/b?x=1`.
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(
        method: HTTPMethod, target: String, version: HTTPVersion = .http1_1,
        headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
    }

    /// The target up to `?`, percent-encoded.
    public var path: Substring {
        if let q = target.firstIndex(of: "?") { return target[..<q] }
        return target[...]
    }

    /// The target after `?`, or nil when there is none.
    public var query: Substring? {
        guard let q = target.firstIndex(of: "?") else { return nil }
        return target[target.index(after: q)...]
    }

    /// Decoded `name=value` pairs of the query, in order (`+` is a space, as forms send it).
    public var queryItems: [(name: String, value: String)] {
        guard let query else { return [] }
        return FormDecoding.pairs(query)
    }

    /// The first decoded query value for `name`.
    public func queryValue(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// Whether the connection may stay open after this request (HTTP/1.1 default, 1.0 opt-in).
    public var keepAlive: Bool {
        if version.major == 1 && version.minor == 0 {
            return headers.containsToken("keep-alive", in: "Connection")
        }
        return !headers.containsToken("close", in: "Connection")
    }
}

/// Percent-decoding for paths and `application/x-www-form-urlencoded` bodies.
public enum FormDecoding {
    /// Splits `a=1&b=2` into decoded pairs; a name without `=` gets an empty value.
    public static func pairs(_ text: Substring) -> [(name: String, value: String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { part in
            if let eq = part.firstIndex(of: "=") {
                return (
                    percentDecode(part[..<eq], plusIsSpace: true) ?? String(part[..<eq]),
                    percentDecode(part[part.index(after: eq)...], plusIsSpace: true) ?? String(part[part.index(after: eq)...])
                )
            }
            return (percentDecode(part, plusIsSpace: true) ?? String(part), "")
        }
    }

    /// Decodes `%XX` escapes; nil when an escape is malformed or the result is not UTF-8.
    public static func percentDecode<S: StringProtocol>(_ text: S, plusIsSpace: Bool = false) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let h = iterator.next(), let l = iterator.next(),
                    let hv = hexValue(h), let lv = hexValue(l)
                else { return nil }
                bytes.append(hv << 4 | lv)
            } else if plusIsSpace && byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
