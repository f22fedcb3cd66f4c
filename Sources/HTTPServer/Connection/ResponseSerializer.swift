/// Turns responses into wire bytes: one contiguous buffer per response so the loop writes it with
/// a single `write` call.
public enum ResponseSerializer {
    static let continueBytes = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// The head plus the body of a complete response. `Content-Length` is always set (also for
    /// HEAD, where it tells the size of the body that GET would send).
    public static func serialize(
        _ response: HTTPResponse, body: [UInt8], requestMethod: HTTPMethod, version: HTTPVersion,
        keepAlive: Bool, isSecure: Bool, date: String
    ) -> [UInt8] {
        var out: [UInt8] = []
        let sendsBody = requestMethod != .head && response.status.allowsBody
        out.reserveCapacity(256 + (sendsBody ? body.count : 0))
        writeHead(response, into: &out, version: version, keepAlive: keepAlive, isSecure: isSecure, date: date) { out in
            if response.status.allowsBody || requestMethod == .head {
                if response.status.code != 304 {
                    appendField("Content-Length", String(body.count), to: &out)
                }
            }
        }
        if sendsBody { out.append(contentsOf: body) }
        return out
    }

    /// The head of a streamed response: chunked on HTTP/1.1, close-delimited on HTTP/1.0.
    public static func streamHead(
        _ response: HTTPResponse, version: HTTPVersion, keepAlive: Bool, isSecure: Bool, date: String
    ) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        let chunked = version == .http1_1
        writeHead(response, into: &out, version: version, keepAlive: chunked && keepAlive, isSecure: isSecure, date: date) { out in
            if chunked { appendField("Transfer-Encoding", "chunked", to: &out) }
        }
        return out
    }

    /// Frames one piece of a streamed body.
    public static func chunk(_ bytes: [UInt8], chunked: Bool) -> [UInt8] {
        guard chunked else { return bytes }
        guard !bytes.isEmpty else { return [] }
        var out = Array(String(bytes.count, radix: 16).utf8)
        out.reserveCapacity(out.count + bytes.count + 4)
        out.append(13)
        out.append(10)
        out.append(contentsOf: bytes)
        out.append(13)
        out.append(10)
        return out
    }

    static let lastChunk = Array("0\r\n\r\n".utf8)

    static func writeHead(
        _ response: HTTPResponse, into out: inout [UInt8], version: HTTPVersion, keepAlive: Bool, isSecure: Bool,
        date: String, framing: (inout [UInt8]) -> Void
    ) {
        out.append(contentsOf: version == .http1_0 ? "HTTP/1.0 ".utf8 : "HTTP/1.1 ".utf8)
        out.append(contentsOf: String(response.status.code).utf8)
        out.append(32)
        out.append(contentsOf: response.status.reasonPhrase.utf8)
        out.append(13)
        out.append(10)
        for field in response.headers {
            if HTTPHeaders.equalNames(field.name, "Content-Length") || HTTPHeaders.equalNames(field.name, "Transfer-Encoding")
                || HTTPHeaders.equalNames(field.name, "Connection")
            {
                continue  // the server owns framing and connection management
            }
            appendField(field.name, field.value, to: &out)
        }
        if !response.headers.contains("Date") { appendField("Date", date, to: &out) }
        if isSecure && !response.headers.contains("Strict-Transport-Security") {
            appendField("Strict-Transport-Security", "max-age=31536000", to: &out)
        }
        framing(&out)
        if !keepAlive {
            appendField("Connection", "close", to: &out)
        } else if version == .http1_0 {
            appendField("Connection", "keep-alive", to: &out)
        }
        out.append(13)
        out.append(10)
    }

    @inline(__always)
    static func appendField(_ name: String, _ value: String, to out: inout [UInt8]) {
        out.append(contentsOf: name.utf8)
        out.append(58)
        out.append(32)
        // CR and LF in a value would split the response (header injection): replace them.
        for byte in value.utf8 { out.append(byte == 13 || byte == 10 ? 32 : byte) }
        out.append(13)
        out.append(10)
    }

    /// A complete `Connection: close` response for an error found before any responder ran.
    public static func errorResponse(_ error: HTTPParseError) -> [UInt8] {
        let body = Array((error.message + "\n").utf8)
        var out = Array("HTTP/1.1 \(error.status.code) \(error.status.reasonPhrase)\r\n".utf8)
        out.append(contentsOf: "Content-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8)
        out.append(contentsOf: body)
        return out
    }
}
