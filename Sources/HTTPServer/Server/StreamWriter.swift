import Synchronization

/// The event loop's `ResponseBodyWriter`: frames bytes (chunked or raw) and posts them to the
/// loop, which owns the socket. The loop ends it when the client goes, overflows or the server drains.
final class StreamWriter: ResponseBodyWriter {
    let connectionID: UInt64
    let chunked: Bool
    let loop: EventLoop
    private let state = Mutex<(ended: StreamEnd?, waiters: [CheckedContinuation<StreamEnd, Never>])>((nil, []))

    init(loop: EventLoop, connectionID: UInt64, chunked: Bool) {
        self.loop = loop
        self.connectionID = connectionID
        self.chunked = chunked
    }

    func write(_ bytes: [UInt8]) throws {
        if let reason = state.withLock({ $0.ended }), reason == .clientGone {
            throw StreamClosedError(reason: reason)
        }
        guard !bytes.isEmpty else { return }
        loop.post(.streamData(connectionID, ResponseSerializer.chunk(bytes, chunked: chunked)))
    }

    func waitForEnd() async -> StreamEnd {
        await withCheckedContinuation { continuation in
            let ended: StreamEnd? = state.withLock { state in
                if let ended = state.ended { return ended }
                state.waiters.append(continuation)
                return nil
            }
            if let ended { continuation.resume(returning: ended) }
        }
    }

    var isEnded: Bool { state.withLock { $0.ended != nil } }

    /// Called by the loop. A shutdown can still be followed by `clientGone` (the socket closed).
    func end(_ reason: StreamEnd) {
        let waiters: [CheckedContinuation<StreamEnd, Never>] = state.withLock { state in
            if state.ended == .clientGone { return [] }
            if state.ended == reason { return [] }
            state.ended = reason
            let waiters = state.waiters
            state.waiters = []
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: reason) }
    }
}
