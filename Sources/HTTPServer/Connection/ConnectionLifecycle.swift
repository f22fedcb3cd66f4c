/// The life of one connection as a value that turns events into actions: bytes arrived, the
/// response finished, a timer fired, the server began draining. No sockets and no clock inside:
/// the caller passes `now` (monotonic nanoseconds), so tests drive slowloris and idle timeouts
/// without sleeping.
public struct ConnectionLifecycle: Sendable {
    /// Time limits, in nanoseconds of the caller's monotonic clock.
    public struct Timeouts: Sendable, Equatable {
        /// From a request's first byte to the end of its head (slowloris).
        public var header: UInt64
        /// Longest pause between two reads of a request body.
        public var body: UInt64
        /// How long a keep-alive connection may wait for its next request.
        public var idle: UInt64

        public init(headerSeconds: Double = 10, bodySeconds: Double = 30, idleSeconds: Double = 60) {
            header = UInt64(headerSeconds * 1e9)
            body = UInt64(bodySeconds * 1e9)
            idle = UInt64(idleSeconds * 1e9)
        }
    }

    public enum Action: Sendable {
        /// Run the responder for this request; `keepAlive` says whether the connection stays open after it.
        case dispatch(HTTPRequest, keepAlive: Bool)
        /// Write these bytes (e.g. `100 Continue`).
        case write([UInt8])
        /// Write these bytes, then close (an error response).
        case writeAndClose([UInt8])
        /// Close once everything queued has been written.
        case close
    }

    enum Phase: Sendable, Equatable {
        case idle(since: UInt64)
        case reading(started: UInt64, lastProgress: UInt64)
        case responding(keepAlive: Bool)
        case closed
    }

    public let timeouts: Timeouts
    var parser: HTTPRequestParser
    var phase: Phase
    var draining = false
    var peerClosed = false

    public init(limits: HTTPParserLimits = HTTPParserLimits(), timeouts: Timeouts = Timeouts(), now: UInt64) {
        self.timeouts = timeouts
        self.parser = HTTPRequestParser(limits: limits)
        self.phase = .idle(since: now)
    }

    public var isClosed: Bool { phase == .closed }

    /// True while a request is with the responder (its response not yet finished).
    public var isResponding: Bool {
        if case .responding = phase { return true }
        return false
    }

    /// True when the connection waits for a request and has no byte of one.
    public var isIdle: Bool {
        if case .idle = phase { return true }
        return false
    }

    /// Bytes arrived from the client.
    public mutating func received(_ bytes: [UInt8], now: UInt64) -> [Action] {
        parser.append(bytes)
        return afterInput(now: now)
    }

    /// Bytes arrived from the client, straight from the read buffer.
    public mutating func received(_ bytes: UnsafeRawBufferPointer, now: UInt64) -> [Action] {
        parser.append(bytes)
        return afterInput(now: now)
    }

    mutating func afterInput(now: UInt64) -> [Action] {
        if case .reading(let started, _) = phase { phase = .reading(started: started, lastProgress: now) }
        return advance(now: now)
    }

    /// The client closed its side. A request in progress still gets its answer.
    public mutating func endOfInput(now: UInt64) -> [Action] {
        peerClosed = true
        switch phase {
        case .responding, .closed: return []
        default:
            phase = .closed
            return [.close]
        }
    }

    /// The response to the last dispatched request has been handed to the socket in full.
    public mutating func responseFinished(now: UInt64) -> [Action] {
        guard case .responding(let keepAlive) = phase else { return [] }
        if !keepAlive || draining || peerClosed {
            phase = .closed
            return [.close]
        }
        phase = .idle(since: now)
        return advance(now: now)
    }

    /// The server stops: an idle connection closes now, a busy one after its current response.
    public mutating func beginDraining(now: UInt64) -> [Action] {
        draining = true
        switch phase {
        case .idle:
            phase = .closed
            return [.close]
        default:
            return []
        }
    }

    /// When `timerFired` should next be called, or nil when no timeout is running.
    public var deadline: UInt64? {
        switch phase {
        case .idle(let since): return since &+ timeouts.idle
        case .reading(let started, let lastProgress):
            if parser.isReadingBody { return lastProgress &+ timeouts.body }
            return started &+ timeouts.header
        case .responding, .closed: return nil
        }
    }

    /// Checks the running timeout. An idle connection closes silently; a half-sent request gets 408.
    public mutating func timerFired(now: UInt64) -> [Action] {
        guard let deadline, now >= deadline else { return [] }
        switch phase {
        case .idle:
            phase = .closed
            return [.close]
        case .reading:
            let what = parser.isReadingBody ? "request body" : "request head"
            phase = .closed
            return [.writeAndClose(ResponseSerializer.errorResponse(HTTPParseError(.requestTimeout, "The \(what) did not arrive in time.")))]
        default:
            return []
        }
    }

    /// Parses what is buffered, unless a response is outstanding: pipelined requests are taken
    /// one at a time so their answers leave in order.
    mutating func advance(now: UInt64) -> [Action] {
        var actions: [Action] = []
        while true {
            switch phase {
            case .responding, .closed: return actions
            default: break
            }
            guard let event = parser.next() else {
                if parser.hasPartialRequest, case .idle = phase {
                    phase = .reading(started: now, lastProgress: now)
                }
                if peerClosed && !isResponding {
                    phase = .closed
                    actions.append(.close)
                }
                return actions
            }
            switch event {
            case .sendContinue:
                if case .idle = phase { phase = .reading(started: now, lastProgress: now) }
                actions.append(.write(ResponseSerializer.continueBytes))
            case .request(let request):
                let keepAlive = request.keepAlive && !draining
                phase = .responding(keepAlive: keepAlive)
                actions.append(.dispatch(request, keepAlive: keepAlive))
            case .failure(let error):
                phase = .closed
                actions.append(.writeAndClose(ResponseSerializer.errorResponse(error)))
            }
        }
    }
}
