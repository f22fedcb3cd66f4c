import Testing
@testable import HTTPServer

/// Feeds the parser string literals, whole or byte by byte, and collects what it reports.
func parseFixture(_ text: String, limits: HTTPParserLimits = HTTPParserLimits(), byteByByte: Bool = false) -> [HTTPParserEvent] {
    var parser = HTTPRequestParser(limits: limits)
    var events: [HTTPParserEvent] = []
    func drain() {
        while let event = parser.next() {
            events.append(event)
            if case .failure = event { return }
        }
    }
    if byteByByte {
        for byte in text.utf8 {
            parser.append([byte])
            drain()
            if case .failure? = events.last { break }
        }
    } else {
        parser.append(Array(text.utf8))
        drain()
    }
    return events
}

func parsedRequests(_ events: [HTTPParserEvent]) -> [HTTPRequest] {
    events.compactMap { if case .request(let r) = $0 { return r } else { return nil } }
}

func parseFailureStatus(_ events: [HTTPParserEvent]) -> Int? {
    for case .failure(let error) in events { return error.status.code }
    return nil
}

@Suite("HTTP/1.1 request parser")
struct ParserTests {
    @Test("a simple GET, whole and byte by byte")
    func simpleGet() {
        for byteByByte in [false, true] {
            let r = parsedRequests(parseFixture("GET /a/b?x=1&y=two+words HTTP/1.1\r\nHost: example\r\nX-A: 1\r\n\r\n", byteByByte: byteByByte))
            #expect(r.count == 1)
            #expect(r[0].method == .get)
            #expect(r[0].target == "/a/b?x=1&y=two+words")
            #expect(r[0].path == "/a/b")
            #expect(r[0].queryValue("y") == "two words")
            #expect(r[0].headers["host"] == "example")
            #expect(r[0].version == .http1_1)
            #expect(r[0].keepAlive)
        }
    }

    @Test("repeated header fields are kept in order")
    func repeatedHeaders() {
        let r = parsedRequests(parseFixture("GET / HTTP/1.1\r\nHost: h\r\nAccept: a\r\naccept: b\r\nX: \t padded \t\r\n\r\n"))
        #expect(r[0].headers.values(for: "Accept") == ["a", "b"])
        #expect(r[0].headers["x"] == "padded")
    }

    @Test("content-length body, split across reads")
    func contentLengthBody() {
        let events = parseFixture("POST /u HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world", byteByByte: true)
        let r = parsedRequests(events)
        #expect(r.count == 1)
        #expect(String(decoding: r[0].body, as: UTF8.self) == "hello world")
    }

    @Test("chunked body with extensions and trailers")
    func chunked() {
        let text = "POST /u HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"
        for byteByByte in [false, true] {
            let r = parsedRequests(parseFixture(text, byteByByte: byteByByte))
            #expect(r.count == 1)
            #expect(String(decoding: r[0].body, as: UTF8.self) == "hello world")
        }
    }

    @Test("pipelined requests come out one by one, in order")
    func pipelining() {
        let text = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nPOST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcGET /3 HTTP/1.1\r\nHost: h\r\n\r\n"
        let r = parsedRequests(parseFixture(text))
        #expect(r.map(\.target) == ["/1", "/2", "/3"])
        #expect(r[1].body == Array("abc".utf8))
    }

    @Test("Expect: 100-continue asks for the body before it is sent")
    func expectContinue() {
        var parser = HTTPRequestParser()
        parser.append(Array("PUT /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n".utf8))
        guard case .sendContinue? = parser.next() else {
            Issue.record("expected sendContinue")
            return
        }
        #expect(parser.next() == nil)
        parser.append(Array("ok".utf8))
        guard case .request(let request)? = parser.next() else {
            Issue.record("expected the request")
            return
        }
        #expect(request.body == Array("ok".utf8))
        #expect(parseFailureStatus(parseFixture("PUT /x HTTP/1.1\r\nHost: h\r\nExpect: magic\r\nContent-Length: 2\r\n\r\nok")) == 417)
    }

    @Test("HTTP/1.0: no Host needed, keep-alive only on request")
    func http10() {
        let r = parsedRequests(parseFixture("GET / HTTP/1.0\r\n\r\nGET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"))
        #expect(r.count == 2)
        #expect(r[0].version == .http1_0)
        #expect(!r[0].keepAlive)
        #expect(r[1].keepAlive)
        #expect(parseFailureStatus(parseFixture("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")) == 400)
    }

    @Test("Connection: close ends keep-alive on HTTP/1.1")
    func connectionClose() {
        let r = parsedRequests(parseFixture("GET / HTTP/1.1\r\nHost: h\r\nConnection: Close\r\n\r\n"))
        #expect(!r[0].keepAlive)
    }

    @Test("empty lines before a request line are ignored")
    func leadingCRLF() {
        #expect(parsedRequests(parseFixture("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n")).count == 1)
    }

    @Test("absolute-form targets keep only path and query; '*' only with OPTIONS")
    func targetForms() {
        #expect(parsedRequests(parseFixture("GET http://h:1/p?q=1 HTTP/1.1\r\nHost: h\r\n\r\n"))[0].target == "/p?q=1")
        #expect(parsedRequests(parseFixture("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"))[0].target == "*")
        #expect(parseFailureStatus(parseFixture("GET * HTTP/1.1\r\nHost: h\r\n\r\n")) == 400)
        #expect(parseFailureStatus(parseFixture("GET relative HTTP/1.1\r\nHost: h\r\n\r\n")) == 400)
    }

    @Test(
        "malformed request lines and headers get 400",
        arguments: [
            "GET  / HTTP/1.1\r\nHost: h\r\n\r\n",
            "GET /\r\nHost: h\r\n\r\n",
            "GET / HTTP/1.1 extra\r\nHost: h\r\n\r\n",
            "GE(T / HTTP/1.1\r\nHost: h\r\n\r\n",
            "GET / HTTX/1.1\r\nHost: h\r\n\r\n",
            "GET / HTTP/1.1\nHost: h\r\n\r\n",
            "GET /a\u{01}b HTTP/1.1\r\nHost: h\r\n\r\n",
            "GET / HTTP/1.1\r\nHost h\r\n\r\n",
            "GET / HTTP/1.1\r\n: empty-name\r\nHost: h\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h\r\nBad\u{7f}Name: v\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h\r\nX: a\u{00}b\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h\nX: y\r\n\r\n",
            "GET / HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        ])
    func malformed(_ text: String) {
        #expect(parseFailureStatus(parseFixture(text)) == 400, "\(text.debugDescription)")
    }

    @Test("HTTP/2.0 on the request line gets 505")
    func wrongVersion() {
        #expect(parseFailureStatus(parseFixture("GET / HTTP/2.0\r\nHost: h\r\n\r\n")) == 505)
    }

    @Test(
        "request smuggling framings get 400",
        arguments: [
            // Both Content-Length and Transfer-Encoding.
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            // Two different Content-Lengths, as two fields and as a list.
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 4\r\n\r\nabcd",
            // Unknown or stacked transfer codings.
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: xchunked\r\n\r\n",
            // Whitespace before the colon.
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length : 3\r\n\r\nabc",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding\t: chunked\r\n\r\n",
            // Obsolete line folding.
            "GET / HTTP/1.1\r\nHost: h\r\nX-Folded: a\r\n b\r\n\r\n",
            "GET / HTTP/1.1\r\n Host: h\r\n\r\n",
            // Content-Length that is not a plain number.
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +3\r\n\r\nabc",
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x3\r\n\r\nabc",
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n",
            // Bad chunk framing.
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nz\r\n",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3 x\r\nabc\r\n0\r\n\r\n",
        ])
    func smuggling(_ text: String) {
        #expect(parseFailureStatus(parseFixture(text)) == 400, "\(text.debugDescription)")
    }

    @Test("equal duplicate Content-Lengths are accepted")
    func equalContentLengths() {
        let r = parsedRequests(parseFixture("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc"))
        #expect(r.first?.body == Array("abc".utf8))
    }

    @Test("request line over 8 KiB gets 414, also before its end arrives")
    func uriTooLong() {
        let long = "GET /" + String(repeating: "a", count: 8200) + " HTTP/1.1\r\nHost: h\r\n\r\n"
        #expect(parseFailureStatus(parseFixture(long)) == 414)
        #expect(parseFailureStatus(parseFixture(String(long.prefix(8300)))) == 414)
        let fits = "GET /" + String(repeating: "a", count: 8000) + " HTTP/1.1\r\nHost: h\r\n\r\n"
        #expect(parsedRequests(parseFixture(fits)).count == 1)
    }

    @Test("header section over 64 KiB or 100 fields gets 431")
    func headersTooLarge() {
        let big = "GET / HTTP/1.1\r\nHost: h\r\n" + (0..<70).map { "X-\($0): " + String(repeating: "v", count: 1000) + "\r\n" }.joined() + "\r\n"
        #expect(parseFailureStatus(parseFixture(big)) == 431)
        #expect(parseFailureStatus(parseFixture(String(big.prefix(66000)))) == 431)
        let many = "GET / HTTP/1.1\r\nHost: h\r\n" + (0..<100).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        #expect(parseFailureStatus(parseFixture(many)) == 431)
        let ninetyNine = "GET / HTTP/1.1\r\nHost: h\r\n" + (0..<99).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        #expect(parsedRequests(parseFixture(ninetyNine)).count == 1)
    }

    @Test("body over the limit gets 413, for both framings")
    func bodyTooLarge() {
        let limits = HTTPParserLimits(maxBodySize: 10)
        #expect(parseFailureStatus(parseFixture("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", limits: limits)) == 413)
        #expect(parsedRequests(parseFixture("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789", limits: limits)).count == 1)
        let chunked = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n012345\r\n6\r\n678901\r\n0\r\n\r\n"
        #expect(parseFailureStatus(parseFixture(chunked, limits: limits)) == 413)
        #expect(parseFailureStatus(parseFixture("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2097152\r\n\r\n")) == 413)
    }

    @Test("after a failure the parser stays failed")
    func staysFailed() {
        var parser = HTTPRequestParser()
        parser.append(Array("BAD\r\n".utf8))
        guard case .failure? = parser.next() else {
            Issue.record("expected a failure")
            return
        }
        parser.append(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        guard case .failure? = parser.next() else {
            Issue.record("expected the parser to stay failed")
            return
        }
    }

    @Test("partial-request and body flags drive the timeouts")
    func progressFlags() {
        var parser = HTTPRequestParser()
        #expect(!parser.hasPartialRequest)
        parser.append(Array("POST / HTTP/1.1\r\nHo".utf8))
        #expect(parser.next() == nil)
        #expect(parser.hasPartialRequest)
        #expect(!parser.isReadingBody)
        parser.append(Array("st: h\r\nContent-Length: 4\r\n\r\nab".utf8))
        #expect(parser.next() == nil)
        #expect(parser.isReadingBody)
        parser.append(Array("cd".utf8))
        #expect(parser.next() != nil)
        #expect(!parser.hasPartialRequest)
    }
}
