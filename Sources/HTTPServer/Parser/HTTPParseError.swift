/// Why the parser refused a request. Each case maps to the status the client gets before the
/// connection closes, with a message that names the rule, so a misbehaving client can be fixed.
public struct HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: HTTPStatus
    public let message: String

    public init(_ status: HTTPStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { "\(status.code): \(message)" }

    static func bad(_ message: String) -> HTTPParseError { HTTPParseError(.badRequest, message) }
}

/// Limits that keep one client from holding unbounded memory. Defaults follow the issue: 8 KiB
/// request line, 64 KiB and 100 fields of headers, 1 MiB of body.
public struct HTTPParserLimits: Sendable, Equatable {
    public var maxRequestLineLength: Int
    public var maxHeaderBytes: Int
    public var maxHeaderCount: Int
    public var maxBodySize: Int

    public init(
        maxRequestLineLength: Int = 8 * 1024, maxHeaderBytes: Int = 64 * 1024,
        maxHeaderCount: Int = 100, maxBodySize: Int = 1024 * 1024
    ) {
        self.maxRequestLineLength = maxRequestLineLength
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodySize = maxBodySize
    }
}

/// What the parser found in the bytes so far.
public enum HTTPParserEvent: Sendable {
    /// A complete request, body included.
    case request(HTTPRequest)
    /// The head asked `Expect: 100-continue` and the body is still to come: send `100 Continue`.
    case sendContinue
    /// The request is unacceptable; answer with the error's status and close.
    case failure(HTTPParseError)
}

/// Byte classes from RFC 9110 §5.6.2.
enum ASCII {
    static let cr: UInt8 = 13, lf: UInt8 = 10, sp: UInt8 = 32, ht: UInt8 = 9, colon: UInt8 = 58

    static let tchar: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for c in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(c)] = true }
        for c in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(c)] = true }
        for c in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(c)] = true }
        for c in "!#$%&'*+-.^_`|~".utf8 { table[Int(c)] = true }
        return table
    }()

    @inline(__always) static func isTChar(_ c: UInt8) -> Bool { tchar[Int(c)] }

    /// Field-value bytes: visible ASCII, obs-text, space and tab. No CR, LF, NUL or other controls.
    @inline(__always) static func isFieldValueByte(_ c: UInt8) -> Bool {
        c == ht || (c >= sp && c != 127)
    }

    /// Request-target bytes: visible ASCII and obs-text, no spaces or controls.
    @inline(__always) static func isTargetByte(_ c: UInt8) -> Bool { c > sp && c != 127 }
}
