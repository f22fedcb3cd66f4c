extension HTTPRequestParser {
    enum LineResult {
        case needMore, continued, done, failed(HTTPParseError)
    }

    /// Parses `METHOD SP target SP HTTP/1.x CRLF`. Returns nil when more bytes are needed.
    mutating func parseRequestLine() -> HTTPParserEvent?? {
        // RFC 9112 §2.2: ignore empty lines before a request line (some clients send CRLF after a body).
        while index + 1 < buffer.count && buffer[index] == ASCII.cr && buffer[index + 1] == ASCII.lf { index += 2 }
        guard let lf = findLF(from: index) else {
            if buffer.count - index > limits.maxRequestLineLength {
                return .some(fail(HTTPParseError(.uriTooLong, "The request line is longer than \(limits.maxRequestLineLength) bytes.")))
            }
            return nil
        }
        if lf - index > limits.maxRequestLineLength {
            return .some(fail(HTTPParseError(.uriTooLong, "The request line is longer than \(limits.maxRequestLineLength) bytes.")))
        }
        guard lf > index, buffer[lf - 1] == ASCII.cr else {
            return .some(fail(.bad("The request line must end with CRLF.")))
        }
        let end = lf - 1
        var i = index
        let methodStart = i
        while i < end && ASCII.isTChar(buffer[i]) { i += 1 }
        guard i > methodStart, i < end, buffer[i] == ASCII.sp else {
            return .some(fail(.bad("Malformed request line: expected 'METHOD /path HTTP/1.1'.")))
        }
        let method = HTTPMethod(rawValue: String(decoding: buffer[methodStart..<i], as: UTF8.self))
        i += 1
        let targetStart = i
        while i < end && ASCII.isTargetByte(buffer[i]) { i += 1 }
        guard i > targetStart, i < end, buffer[i] == ASCII.sp else {
            return .some(fail(.bad("Malformed request line: the target is missing or holds spaces or control bytes.")))
        }
        var target = String(decoding: buffer[targetStart..<i], as: UTF8.self)
        i += 1
        let versionBytes = buffer[i..<end]
        guard versionBytes.count == 8, versionBytes.starts(with: "HTTP/".utf8),
            let major = digit(buffer[i + 5]), buffer[i + 6] == UInt8(ascii: "."), let minor = digit(buffer[i + 7])
        else {
            return .some(fail(.bad("Malformed request line: the version must look like 'HTTP/1.1'.")))
        }
        guard major == 1 else {
            return .some(fail(HTTPParseError(.httpVersionNotSupported, "Only HTTP/1.0 and HTTP/1.1 are supported.")))
        }
        if target.hasPrefix("http://") || target.hasPrefix("https://") {
            // Absolute form (RFC 9112 §3.2.2): keep the path and query only.
            let rest = target.dropFirst(target.hasPrefix("https://") ? 8 : 7)
            target = rest.firstIndex(where: { $0 == "/" || $0 == "?" }).map { String(rest[$0...]) } ?? "/"
            if target.hasPrefix("?") { target = "/" + target }
        } else if target == "*" {
            guard method == .options else {
                return .some(fail(.bad("The target '*' is only allowed with OPTIONS.")))
            }
        } else if !target.hasPrefix("/") {
            return .some(fail(.bad("The request target must start with '/'.")))
        }
        index = lf + 1
        state = .headers(Head(method: method, target: target, version: HTTPVersion(major: 1, minor: min(minor, 1))))
        return .some(nil)
    }

    func digit(_ c: UInt8) -> Int? {
        c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") ? Int(c - UInt8(ascii: "0")) : nil
    }

    /// Parses one header line into `head`, or sees the empty line that ends the section.
    mutating func parseHeaderLine(_ head: inout Head) -> LineResult {
        guard let lf = findLF(from: index) else {
            if head.headerBytes + (buffer.count - index) > limits.maxHeaderBytes {
                return .failed(HTTPParseError(.requestHeaderFieldsTooLarge, "The header section is larger than \(limits.maxHeaderBytes) bytes."))
            }
            return .needMore
        }
        let lineLength = lf + 1 - index
        head.headerBytes += lineLength
        if head.headerBytes > limits.maxHeaderBytes {
            return .failed(HTTPParseError(.requestHeaderFieldsTooLarge, "The header section is larger than \(limits.maxHeaderBytes) bytes."))
        }
        guard lf > index, buffer[lf - 1] == ASCII.cr else {
            return .failed(.bad("Header lines must end with CRLF."))
        }
        let end = lf - 1
        if end == index {
            index = lf + 1
            return .done
        }
        let first = buffer[index]
        if first == ASCII.sp || first == ASCII.ht {
            return .failed(.bad("Obsolete line folding (a header line starting with whitespace) is not accepted."))
        }
        var i = index
        while i < end && ASCII.isTChar(buffer[i]) { i += 1 }
        guard i < end, i > index else {
            return .failed(.bad("Malformed header line: expected 'Name: value'."))
        }
        if buffer[i] == ASCII.sp || buffer[i] == ASCII.ht {
            return .failed(.bad("Whitespace between a header name and its colon is not accepted."))
        }
        guard buffer[i] == ASCII.colon else {
            return .failed(.bad("Malformed header line: the name holds a character that is not allowed."))
        }
        let name = String(decoding: buffer[index..<i], as: UTF8.self)
        var valueStart = i + 1
        var valueEnd = end
        while valueStart < valueEnd && (buffer[valueStart] == ASCII.sp || buffer[valueStart] == ASCII.ht) { valueStart += 1 }
        while valueEnd > valueStart && (buffer[valueEnd - 1] == ASCII.sp || buffer[valueEnd - 1] == ASCII.ht) { valueEnd -= 1 }
        for j in valueStart..<valueEnd where !ASCII.isFieldValueByte(buffer[j]) {
            return .failed(.bad("The value of header '\(name)' holds a control character."))
        }
        guard head.headers.count < limits.maxHeaderCount else {
            return .failed(HTTPParseError(.requestHeaderFieldsTooLarge, "More than \(limits.maxHeaderCount) header fields."))
        }
        head.headers.add(name: name, value: String(decoding: buffer[valueStart..<valueEnd], as: UTF8.self))
        index = lf + 1
        return .continued
    }
}
