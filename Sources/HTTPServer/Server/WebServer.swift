import Foundation
import Logging

/// The HTTP/1.1 server: binds, runs one event-loop thread, and serves `responder`.
///
/// ```swift
/// let server = try WebServer(configuration: .init(port: 0), responder: router)
/// try server.start()
/// print(server.port)       // the port actually bound
/// await server.shutdown()  // graceful: in-flight requests finish, streams get a final event
/// ```
public final class WebServer: Sendable {
    public let configuration: Configuration
    let loop: EventLoop

    /// Binds the listening socket at once, so a port conflict throws here, before `start()`.
    public init(configuration: Configuration, responder: any Responder) throws {
        self.configuration = configuration
        self.loop = try EventLoop(configuration: configuration, responder: responder)
    }

    /// The bound port (useful with port 0).
    public var port: Int { loop.port }

    /// Starts the event-loop thread. Returns immediately.
    public func start() {
        let loop = self.loop
        let thread = Thread { loop.run() }
        thread.name = "http-event-loop"
        thread.stackSize = 1 << 20
        thread.start()
        configuration.logger.info("listening", metadata: ["host": "\(configuration.host)", "port": "\(port)"])
    }

    /// Stops accepting, lets in-flight requests finish and streams send their final event
    /// (bounded by `shutdownGracePeriod`), then returns once every connection is closed.
    public func shutdown() async {
        loop.post(.shutdown)
        await loop.waitUntilStopped()
    }

    /// Returns once the server has stopped (after `shutdown()` from elsewhere).
    public func waitUntilStopped() async {
        await loop.waitUntilStopped()
    }
}
