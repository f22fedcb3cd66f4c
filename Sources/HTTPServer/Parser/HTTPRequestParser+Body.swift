extension HTTPRequestParser {
    /// Decides how the body is framed (RFC 9112 §6.3), refusing the ambiguous framings that
    /// request smuggling relies on. Returns an event to report now, or nil to keep parsing.
    mutating func finishHead(_ head: Head) -> HTTPParserEvent? {
        var head = head
        let hosts = head.headers.values(for: "Host")
        if head.version == .http1_1 && hosts.count != 1 {
            return fail(.bad(hosts.isEmpty ? "HTTP/1.1 requests must carry a Host header." : "More than one Host header."))
        }
        let transferEncodings = head.headers.values(for: "Transfer-Encoding")
        let contentLengths = head.headers.values(for: "Content-Length")
        var expectContinue = false
        if let expect = head.headers["Expect"] {
            guard HTTPHeaders.equalNames(expect.trimmingCharacters(), "100-continue") else {
                return fail(HTTPParseError(.expectationFailed, "Only 'Expect: 100-continue' is supported."))
            }
            expectContinue = head.version == .http1_1
        }
        if !transferEncodings.isEmpty {
            guard contentLengths.isEmpty else {
                return fail(.bad("A request must not carry both Content-Length and Transfer-Encoding."))
            }
            guard head.version == .http1_1 else {
                return fail(.bad("Transfer-Encoding is not allowed in an HTTP/1.0 request."))
            }
            let codings = transferEncodings.flatMap { $0.split(separator: ",") }.map { $0.trimmingASCIIWhitespace() }
            guard codings.count == 1, HTTPHeaders.equalNames(String(codings[0]), "chunked") else {
                return fail(.bad("Unsupported transfer coding '\(transferEncodings.joined(separator: ", "))': only 'chunked' is accepted."))
            }
            if expectContinue && index == buffer.count { head.expectContinue = true }
            state = .chunkSize(head)
            return head.expectContinue ? .sendContinue : nil
        }
        var length = 0
        if !contentLengths.isEmpty {
            var seen: Int?
            for value in contentLengths.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false) }) {
                let text = value.trimmingASCIIWhitespace()
                guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let number = Int(text) else {
                    return fail(.bad("Content-Length '\(value)' is not a decimal number."))
                }
                if let seen, seen != number {
                    return fail(.bad("Conflicting Content-Length values."))
                }
                seen = number
            }
            length = seen ?? 0
        }
        if length > limits.maxBodySize {
            return fail(HTTPParseError(.contentTooLarge, "The body is \(length) bytes; the limit is \(limits.maxBodySize)."))
        }
        if length == 0 { return complete(head) }
        head.body.reserveCapacity(length)
        state = .body(head, remaining: length)
        if expectContinue && index == buffer.count { return .sendContinue }
        return nil
    }

    /// Advances through chunk-size lines, chunk data and trailers.
    mutating func parseChunked() -> HTTPParserEvent? {
        while true {
            switch state {
            case .chunkSize(var head):
                guard let lf = findLF(from: index) else {
                    if buffer.count - index > 1024 { return fail(.bad("A chunk-size line is longer than 1024 bytes.")) }
                    return nil
                }
                guard lf > index, buffer[lf - 1] == ASCII.cr else { return fail(.bad("Chunk-size lines must end with CRLF.")) }
                var i = index
                var size = 0
                var digits = 0
                while i < lf - 1, let v = FormDecoding.hexValue(buffer[i]) {
                    size = size << 4 | Int(v)
                    digits += 1
                    i += 1
                    if digits > 15 { return fail(.bad("A chunk size is too large.")) }
                }
                guard digits > 0 else { return fail(.bad("Malformed chunk size.")) }
                if i < lf - 1 {
                    // Only chunk extensions (`;name=value`) may follow the size.
                    var j = i
                    while j < lf - 1 && (buffer[j] == ASCII.sp || buffer[j] == ASCII.ht) { j += 1 }
                    guard buffer[j] == UInt8(ascii: ";") else { return fail(.bad("Malformed chunk size.")) }
                    for k in j..<(lf - 1) where !ASCII.isFieldValueByte(buffer[k]) {
                        return fail(.bad("A chunk extension holds a control character."))
                    }
                }
                index = lf + 1
                if size == 0 {
                    state = .trailers(head)
                    continue
                }
                if head.body.count + size > limits.maxBodySize {
                    return fail(HTTPParseError(.contentTooLarge, "The chunked body exceeds the limit of \(limits.maxBodySize) bytes."))
                }
                head.expectContinue = false
                state = .chunkData(head, remaining: size)
            case .chunkData(var head, let remaining):
                state = .requestLine  // drop the enum's reference so appends do not copy
                let available = min(remaining, buffer.count - index)
                head.body.append(contentsOf: buffer[index..<index + available])
                index += available
                if available < remaining {
                    state = .chunkData(head, remaining: remaining - available)
                    return nil
                }
                state = .chunkDataEnd(head)
            case .chunkDataEnd(let head):
                guard buffer.count - index >= 2 else { return nil }
                guard buffer[index] == ASCII.cr && buffer[index + 1] == ASCII.lf else {
                    return fail(.bad("Chunk data must be followed by CRLF."))
                }
                index += 2
                state = .chunkSize(head)
            case .trailers(var head):
                // Trailer fields are checked like headers and then dropped: nothing here uses them.
                var trailerHead = head
                trailerHead.headers = HTTPHeaders()
                switch parseHeaderLine(&trailerHead) {
                case .needMore:
                    return nil
                case .failed(let error):
                    return fail(error)
                case .continued:
                    head.headerBytes = trailerHead.headerBytes
                    state = .trailers(head)
                case .done:
                    return complete(head)
                }
            default:
                return nil
            }
        }
    }
}

extension String {
    func trimmingCharacters() -> String {
        String(self[...].trimmingASCIIWhitespace())
    }
}
