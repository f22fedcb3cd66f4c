import Testing
@testable import HTTPServer

/// A fake monotonic clock in nanoseconds: tests move time forward instead of sleeping.
struct FakeClock {
    var now: UInt64 = 1_000_000_000
    mutating func advance(seconds: Double) { now += UInt64(seconds * 1e9) }
}

extension ConnectionLifecycle.Action {
    var dispatched: HTTPRequest? { if case .dispatch(let r, _) = self { return r } else { return nil } }
    var keepAlive: Bool? { if case .dispatch(_, let k) = self { return k } else { return nil } }
    var isClose: Bool { if case .close = self { return true } else { return false } }
    var closingStatus: Int? {
        guard case .writeAndClose(let bytes) = self else { return nil }
        return Int(String(decoding: bytes[9..<12], as: UTF8.self))
    }
    var written: String? { if case .write(let b) = self { return String(decoding: b, as: UTF8.self) } else { return nil } }
}

@Suite("Connection lifecycle with an injected clock")
struct ConnectionLifecycleTests {
    @Test("a request dispatches; keep-alive returns to idle and the idle timeout closes silently")
    func keepAliveThenIdle() {
        var clock = FakeClock()
        var life = ConnectionLifecycle(now: clock.now)
        let actions = life.received(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: clock.now)
        #expect(actions.count == 1)
        #expect(actions[0].dispatched?.target == "/")
        #expect(actions[0].keepAlive == true)
        #expect(life.deadline == nil, "no timeout runs while the responder works")
        clock.advance(seconds: 120)
        #expect(life.timerFired(now: clock.now).isEmpty)
        #expect(life.responseFinished(now: clock.now).isEmpty)
        #expect(life.isIdle)
        clock.advance(seconds: 59)
        #expect(life.timerFired(now: clock.now).isEmpty)
        clock.advance(seconds: 1)
        let closing = life.timerFired(now: clock.now)
        #expect(closing.count == 1 && closing[0].isClose)
        #expect(life.isClosed)
    }

    @Test("slowloris: a head not complete within 10 s gets 408, however steadily it trickles")
    func headerTimeout() {
        var clock = FakeClock()
        var life = ConnectionLifecycle(now: clock.now)
        for byte in "GET / HTTP/1.1\r\nHost: h\r\n".utf8 {
            #expect(life.received([byte], now: clock.now).isEmpty)
            clock.advance(seconds: 0.3)
            #expect(life.timerFired(now: clock.now).isEmpty)
        }
        clock.now = 1_000_000_000 + 10_000_000_000
        let actions = life.timerFired(now: clock.now)
        #expect(actions.first?.closingStatus == 408)
    }

    @Test("body timeout counts from the last progress")
    func bodyTimeout() {
        var clock = FakeClock()
        var life = ConnectionLifecycle(timeouts: .init(headerSeconds: 10, bodySeconds: 5, idleSeconds: 60), now: clock.now)
        _ = life.received(Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nab".utf8), now: clock.now)
        for _ in 0..<4 {
            clock.advance(seconds: 4)
            _ = life.received(Array("a".utf8), now: clock.now)
            #expect(life.timerFired(now: clock.now).isEmpty)
        }
        clock.advance(seconds: 5)
        #expect(life.timerFired(now: clock.now).first?.closingStatus == 408)
    }

    @Test("pipelined requests are dispatched one at a time, after each response")
    func pipelining() {
        let clock = FakeClock()
        var life = ConnectionLifecycle(now: clock.now)
        let first = life.received(Array("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: clock.now)
        #expect(first.compactMap(\.dispatched).map(\.target) == ["/1"])
        let second = life.responseFinished(now: clock.now)
        #expect(second.compactMap(\.dispatched).map(\.target) == ["/2"])
        #expect(life.responseFinished(now: clock.now).isEmpty)
    }

    @Test("a malformed request is answered with its status, then closed")
    func errorResponse() {
        var life = ConnectionLifecycle(now: 0)
        let actions = life.received(Array("GET / HTTP/1.1\r\nHost: h\r\nX : y\r\n\r\n".utf8), now: 0)
        #expect(actions.first?.closingStatus == 400)
        #expect(life.isClosed)
    }

    @Test("100-continue is written before the body arrives")
    func expectContinue() {
        var life = ConnectionLifecycle(now: 0)
        let actions = life.received(Array("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n".utf8), now: 0)
        #expect(actions.first?.written == "HTTP/1.1 100 Continue\r\n\r\n")
        #expect(life.received(Array("x".utf8), now: 0).first?.dispatched?.body == Array("x".utf8))
    }

    @Test("Connection: close and HTTP/1.0 close after the response")
    func closeAfterResponse() {
        for text in ["GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", "GET / HTTP/1.0\r\n\r\n"] {
            var life = ConnectionLifecycle(now: 0)
            #expect(life.received(Array(text.utf8), now: 0).first?.keepAlive == false)
            #expect(life.responseFinished(now: 0).first?.isClose == true)
        }
    }

    @Test("draining closes idle connections now and busy ones after their response")
    func draining() {
        var idle = ConnectionLifecycle(now: 0)
        #expect(idle.beginDraining(now: 0).first?.isClose == true)
        var busy = ConnectionLifecycle(now: 0)
        _ = busy.received(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: 0)
        #expect(busy.beginDraining(now: 0).isEmpty)
        let after = busy.responseFinished(now: 0)
        #expect(after.count == 1 && after[0].isClose, "the pipelined request is not started while draining")
    }

    @Test("the peer's half-close still lets the request in flight be answered")
    func halfClose() {
        var life = ConnectionLifecycle(now: 0)
        _ = life.received(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: 0)
        #expect(life.endOfInput(now: 0).isEmpty)
        #expect(life.responseFinished(now: 0).first?.isClose == true)
    }
}
