import Foundation
import Logging

extension WebServer {
    /// Everything the server needs, passed in: no globals, no environment reads. Port 0 binds a
    /// free port; read it back from `WebServer.port` after `start()`.
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var backlog: Int32
        /// Open connections past this get a 503 and are closed at once.
        public var maxConnections: Int
        public var limits: HTTPParserLimits
        public var timeouts: ConnectionLifecycle.Timeouts
        /// Bytes a streaming response may have queued for a client that does not read; past it
        /// the client is disconnected (it reconnects and replays) instead of growing memory.
        public var streamBufferLimit: Int
        /// How long graceful shutdown waits for in-flight requests and streams before closing them.
        public var shutdownGracePeriod: Double
        /// TLS when set; plain HTTP when nil.
        public var security: (any ConnectionSecurityFactory)?
        public var logger: Logger
        /// Threads of the server's own that run handlers, independent of Swift's global pool.
        public var handlerThreads: Int
        /// Event-loop threads, each with its own listening socket on the port (SO_REUSEPORT) and
        /// its own connections. A handler runs on its connection's loop until it first suspends,
        /// so one loop per core lets quick handlers use every core without a thread hop.
        public var eventLoops: Int

        public init(
            host: String = "127.0.0.1", port: Int = 8080, backlog: Int32 = 4096, maxConnections: Int = 20_000,
            limits: HTTPParserLimits = HTTPParserLimits(), timeouts: ConnectionLifecycle.Timeouts = .init(),
            streamBufferLimit: Int = 256 * 1024, shutdownGracePeriod: Double = 10,
            security: (any ConnectionSecurityFactory)? = nil, logger: Logger = Logger(label: "http"),
            handlerThreads: Int = ProcessInfo.processInfo.activeProcessorCount,
            eventLoops: Int = ProcessInfo.processInfo.activeProcessorCount
        ) {
            self.handlerThreads = handlerThreads
            self.eventLoops = max(1, eventLoops)
            self.host = host
            self.port = port
            self.backlog = backlog
            self.maxConnections = maxConnections
            self.limits = limits
            self.timeouts = timeouts
            self.streamBufferLimit = streamBufferLimit
            self.shutdownGracePeriod = shutdownGracePeriod
            self.security = security
            self.logger = logger
        }
    }
}
