import Testing
@testable import HTTPServer

@Suite("Response serialization")
struct ResponseSerializerTests {
    func wire(_ response: HTTPResponse, method: HTTPMethod = .get, version: HTTPVersion = .http1_1, keepAlive: Bool = true, secure: Bool = false) -> String {
        String(decoding: ResponseSerializer.serialize(
            response, body: response.body.bytes ?? [], requestMethod: method, version: version,
            keepAlive: keepAlive, isSecure: secure, date: "Thu, 26 Nov 2026 00:00:00 GMT"), as: UTF8.self)
    }

    @Test("status line, handler headers, Date and Content-Length, then the body")
    func basic() {
        let text = wire(.text("hi"))
        #expect(text == "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nDate: Thu, 26 Nov 2026 00:00:00 GMT\r\nContent-Length: 2\r\n\r\nhi")
    }

    @Test("HEAD keeps Content-Length but sends no body; 204 and 304 carry neither")
    func bodiless() {
        #expect(wire(.text("hello"), method: .head).hasSuffix("Content-Length: 5\r\n\r\n"))
        #expect(!wire(HTTPResponse(status: .notModified)).contains("Content-Length"))
        #expect(wire(HTTPResponse(status: .noContent, body: .bytes([65]))).hasSuffix("\r\n\r\n"))
    }

    @Test("the server owns framing: handler Content-Length, Transfer-Encoding and Connection are dropped")
    func framingOwned() {
        let response = HTTPResponse(
            headers: ["Content-Length": "99", "Transfer-Encoding": "chunked", "Connection": "upgrade"], body: .bytes([1, 2]))
        let text = wire(response, keepAlive: false)
        #expect(!text.contains("99") && !text.contains("chunked") && !text.contains("upgrade"))
        #expect(text.contains("Content-Length: 2\r\n") && text.contains("Connection: close\r\n"))
    }

    @Test("CR and LF in a header value cannot inject a header")
    func injection() {
        let text = wire(HTTPResponse(headers: ["Location": "/a\r\nSet-Cookie: evil=1"]))
        #expect(!text.contains("\r\nSet-Cookie"))
    }

    @Test("HTTP/1.0 keep-alive is explicit; TLS responses carry HSTS")
    func versionsAndTLS() {
        #expect(wire(.text(""), version: .http1_0).hasPrefix("HTTP/1.0 200 OK\r\n"))
        #expect(wire(.text(""), version: .http1_0).contains("Connection: keep-alive\r\n"))
        #expect(wire(.text(""), secure: true).contains("Strict-Transport-Security: max-age=31536000\r\n"))
        #expect(!wire(.text("")).contains("Strict-Transport-Security"))
    }

    @Test("chunk framing and the Date format")
    func chunksAndDate() {
        #expect(String(decoding: ResponseSerializer.chunk(Array(repeating: 65, count: 26), chunked: true), as: UTF8.self) == "1a\r\n" + String(repeating: "A", count: 26) + "\r\n")
        #expect(ResponseSerializer.chunk([], chunked: true).isEmpty, "an empty chunk would end the stream")
        #expect(HTTPDate.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }
}
