import CEpoll
import Glibc
import Logging
import Synchronization

/// One thread running `epoll_wait` over the listener and every connection. Sockets are
/// non-blocking and only this thread touches them; responders run as tasks and hand their
/// responses back through a mailbox that an `eventfd` wakes the loop for.
final class EventLoop: @unchecked Sendable {
    enum Message: Sendable {
        /// A complete response; the connection's lifecycle moves on once it is queued.
        case complete(UInt64, [UInt8])
        /// The head of a streamed response; the writer is ended when the connection closes.
        case streamStarted(UInt64, [UInt8], StreamWriter)
        case streamData(UInt64, [UInt8])
        /// The last bytes of a stream; `close` for close-delimited (HTTP/1.0) streams.
        case streamFinished(UInt64, [UInt8], close: Bool)
        case shutdown
    }

    static let listenerToken: UInt64 = 0
    static let wakeToken: UInt64 = 1

    let configuration: WebServer.Configuration
    let responder: any Responder
    let logger: Logger
    let date = HTTPDate()
    let executor: HandlerExecutor
    let epfd: Int32
    let wakefd: Int32
    var listenfd: Int32
    let port: Int

    private let mailbox = Mutex<[Message]>([])
    /// The loop thread's id (`pthread_self`), 0 before `run()`: a post from the loop thread itself
    /// (a handler that answered before its first suspension) goes to `localMessages`, with no lock
    /// and no eventfd write.
    private let loopThread = Atomic<UInt>(0)
    /// Messages posted by the loop thread; only that thread touches them.
    private var localMessages: [Message] = []
    /// Read by handler tasks so responses finished after shutdown began say `Connection: close`.
    let isDraining = Atomic<Bool>(false)
    private let stopped = Mutex<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    // Loop-thread state.
    var connections: [UInt64: Connection] = [:]
    var nextID: UInt64 = 2
    var requestCounter: UInt64
    let requestIDStride: UInt64
    var draining = false
    var drainDeadline: UInt64 = 0
    var lastSweep: UInt64 = 0
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)

    /// Open connections over all of the server's loops, for `maxConnections`.
    let openConnections: OpenConnectionCount

    /// Takes ownership of `listener` (closed on failure and at shutdown).
    init(configuration: WebServer.Configuration, responder: any Responder, listener: (fd: Int32, port: Int),
         executor: HandlerExecutor, openConnections: OpenConnectionCount, index: Int = 0, loops: Int = 1) throws {
        // Request ids stay unique over the loops: loop i numbers i, i + loops, i + 2 × loops, …
        self.requestCounter = UInt64(index)
        self.requestIDStride = UInt64(max(1, loops))
        self.configuration = configuration
        self.responder = responder
        self.logger = configuration.logger
        self.executor = executor
        self.openConnections = openConnections
        listenfd = listener.fd
        self.port = listener.port
        epfd = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakefd = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        guard epfd >= 0, wakefd >= 0 else {
            close(listener.fd)
            if epfd >= 0 { close(epfd) }
            if wakefd >= 0 { close(wakefd) }
            throw SocketError("epoll_create1/eventfd")
        }
        register(listenfd, token: EventLoop.listenerToken, events: EPOLLIN.rawValue)
        register(wakefd, token: EventLoop.wakeToken, events: EPOLLIN.rawValue)
    }

    deinit { readBuffer.deallocate() }

    func register(_ fd: Int32, token: UInt64, events: UInt32) {
        var event = epoll_event(events: events, data: epoll_data_t(u64: token))
        epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event)
    }

    func modify(_ fd: Int32, token: UInt64, events: UInt32) {
        var event = epoll_event(events: events, data: epoll_data_t(u64: token))
        epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &event)
    }

    /// Thread-safe: queues a message and wakes the loop if it was not already due to wake.
    func post(_ message: Message) {
        if loopThread.load(ordering: .relaxed) == UInt(pthread_self()) {
            localMessages.append(message)
            return
        }
        let wasEmpty = mailbox.withLock { box in
            box.append(message)
            return box.count == 1
        }
        if wasEmpty {
            var one: UInt64 = 1
            _ = write(wakefd, &one, 8)
        }
    }

    /// Runs on the loop's own thread until shutdown completes.
    func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 512)
        var pending: [Message] = []
        loopThread.store(UInt(pthread_self()), ordering: .relaxed)
        defer { loopThread.store(0, ordering: .relaxed) }
        while true {
            let count = events.withUnsafeMutableBufferPointer { epoll_wait(epfd, $0.baseAddress, Int32($0.count), 250) }
            let now = monotonicNanoseconds()
            if count > 0 {
                for i in 0..<Int(count) {
                    let token = events[i].data.u64
                    let flags = events[i].events
                    switch token {
                    case EventLoop.listenerToken: acceptConnections(now: now)
                    case EventLoop.wakeToken:
                        var value: UInt64 = 0
                        _ = read(wakefd, &value, 8)
                    default:
                        guard let connection = connections[token] else { continue }
                        if flags & (EPOLLIN.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
                            readable(connection, now: now)
                        }
                        if flags & EPOLLOUT.rawValue != 0, !connection.isClosed {
                            flush(connection)
                        }
                    }
                }
            }
            // What handlers posted on this thread comes first: a task that started here and then
            // moved to a handler thread may already have posted its next message (stream data
            // after the stream's head) to the mailbox.
            drainLocalMessages(&pending, now: now)
            // Drain the mailbox every iteration: posts may race with the eventfd read.
            pending = mailbox.withLock { box in
                let taken = box
                box.removeAll(keepingCapacity: true)
                return taken
            }
            if !pending.isEmpty {
                for message in pending { handle(message, now: now) }
                pending.removeAll(keepingCapacity: true)
            }
            drainLocalMessages(&pending, now: now)
            if now &- lastSweep > 250_000_000 {
                lastSweep = now
                sweepTimeouts(now: now)
            }
            if draining && (connections.isEmpty || now >= drainDeadline) {
                for connection in Array(connections.values) { closeNow(connection) }
                break
            }
        }
        close(epfd)
        close(wakefd)
        let waiters = stopped.withLock { state in
            state.done = true
            let w = state.waiters
            state.waiters = []
            return w
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Handles what the loop thread posted, and what handling it posts in turn (the next
    /// pipelined request's answer), until nothing is left.
    private func drainLocalMessages(_ scratch: inout [Message], now: UInt64) {
        while !localMessages.isEmpty {
            swap(&scratch, &localMessages)
            for message in scratch { handle(message, now: now) }
            scratch.removeAll(keepingCapacity: true)
        }
    }

    /// Suspends until the loop has exited.
    func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = stopped.withLock { state in
                if state.done { return true }
                state.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    func handle(_ message: Message, now: UInt64) {
        switch message {
        case .complete(let id, let bytes):
            guard let connection = connections[id] else { return }
            send(connection, bytes)
            apply(connection.lifecycle.responseFinished(now: now), to: connection, now: now)
        case .streamStarted(let id, let head, let writer):
            guard let connection = connections[id] else {
                writer.end(.clientGone)
                return
            }
            connection.stream = writer
            if draining { writer.end(.serverShutdown) }
            send(connection, head)
        case .streamData(let id, let bytes):
            guard let connection = connections[id] else { return }
            send(connection, bytes)
            if connection.pendingOutput > configuration.streamBufferLimit {
                logger.debug("stream client fell behind; disconnecting", metadata: ["remote": "\(connection.remote)"])
                closeNow(connection, abort: true)
            }
        case .streamFinished(let id, let bytes, let closeAfter):
            guard let connection = connections[id] else { return }
            connection.stream = nil
            send(connection, bytes)
            if closeAfter {
                apply([.close], to: connection, now: now)
            } else {
                apply(connection.lifecycle.responseFinished(now: now), to: connection, now: now)
            }
        case .shutdown:
            beginDraining(now: now)
        }
    }

    /// Releases the descriptors of a loop that never ran (a later loop of its server failed to bind).
    func closeUnstarted() {
        if listenfd >= 0 { close(listenfd) }
        listenfd = -1
        close(epfd)
        close(wakefd)
    }

    func beginDraining(now: UInt64) {
        guard !draining else { return }
        draining = true
        isDraining.store(true, ordering: .relaxed)
        drainDeadline = now &+ UInt64(configuration.shutdownGracePeriod * 1e9)
        if listenfd >= 0 {
            epoll_ctl(epfd, EPOLL_CTL_DEL, listenfd, nil)
            close(listenfd)
            listenfd = -1
        }
        for connection in Array(connections.values) {
            connection.stream?.end(.serverShutdown)
            apply(connection.lifecycle.beginDraining(now: now), to: connection, now: now)
        }
    }

    func sweepTimeouts(now: UInt64) {
        for connection in connections.values {
            if let linger = connection.lingerUntil {
                if now >= linger { closeNow(connection) }
                continue
            }
            if let deadline = connection.lifecycle.deadline, now >= deadline {
                apply(connection.lifecycle.timerFired(now: now), to: connection, now: now)
            }
        }
    }
}

/// The number of open connections, shared by a server's event loops.
final class OpenConnectionCount: Sendable {
    private let value = Atomic<Int>(0)

    /// Counts one more unless `limit` is reached.
    func admit(limit: Int) -> Bool {
        var current = value.load(ordering: .relaxed)
        while current < limit {
            let (exchanged, original) = value.compareExchange(expected: current, desired: current + 1, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }

    func release() { value.subtract(1, ordering: .relaxed) }
}
