import Foundation
import Logging

/// The HTTP/1.1 server: binds, runs its event-loop threads (one per core), and serves `responder`.
///
/// ```swift
/// let server = try WebServer(configuration: .init(port: 0), responder: router)
/// try server.start()
/// print(server.port)       // the port actually bound
/// await server.shutdown()  // graceful: in-flight requests finish, streams get a final event
/// ```
public final class WebServer: Sendable {
    public let configuration: Configuration
    let loops: [EventLoop]

    /// Binds the listening sockets at once, so a port conflict throws here, before `start()`.
    public init(configuration: Configuration, responder: any Responder) throws {
        self.configuration = configuration
        let count = configuration.eventLoops
        let executor = HandlerExecutor(threads: configuration.handlerThreads, name: "http-handler")
        let open = OpenConnectionCount()
        var loops: [EventLoop] = []
        if count > 1 && configuration.port != 0 {
            try Socket.checkFree(host: configuration.host, port: configuration.port)
        }
        do {
            // The first socket picks the port (it may be 0); the others join it.
            var port = configuration.port
            for index in 0..<count {
                let listener = try Socket.listen(host: configuration.host, port: port, backlog: configuration.backlog, reusePort: count > 1)
                port = listener.port
                loops.append(try EventLoop(configuration: configuration, responder: responder, listener: listener,
                                           executor: executor, openConnections: open, index: index, loops: count))
            }
        } catch {
            for loop in loops { loop.closeUnstarted() }
            throw error
        }
        self.loops = loops
    }

    /// The bound port (useful with port 0).
    public var port: Int { loops[0].port }

    /// Starts the event-loop threads. Returns immediately.
    public func start() {
        for (index, loop) in loops.enumerated() {
            ThreadName.startThread("http-loop-\(index)") { loop.run() }
        }
        configuration.logger.info("listening", metadata: ["host": "\(configuration.host)", "port": "\(port)", "loops": "\(loops.count)"])
    }

    /// Stops accepting, lets in-flight requests finish and streams send their final event
    /// (bounded by `shutdownGracePeriod`), then returns once every connection is closed.
    public func shutdown() async {
        for loop in loops { loop.post(.shutdown) }
        await waitUntilStopped()
    }

    /// Returns once the server has stopped (after `shutdown()` from elsewhere).
    public func waitUntilStopped() async {
        for loop in loops { await loop.waitUntilStopped() }
    }
}
