import ArgumentParser
import Dispatch
import Foundation
import HTTPServer
import Logging

/// `runbook serve`: the web console's server. For now a home page from `Templates/`, the files
/// of `Public/` (gzip when accepted), `/healthz` and a heartbeat event stream at `/events`;
/// HTTPS when given a certificate and key.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the web console.")

    @Option(help: "Address to listen on (0.0.0.0 for every interface).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one and prints it).")
    var port = 8080

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain; serves HTTPS together with --tls-key.")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key for --tls-cert.")
    var tlsKey: String?

    @Option(name: .customLong("public"), help: "Folder of static files (default: ./Public).")
    var publicDirectory = "Public"

    @Option(name: .customLong("templates"), help: "Folder of Mustache templates (default: ./Templates).")
    var templatesDirectory = "Templates"

    @Flag(inversion: .prefixedNo, help: "Log one line per request to standard error.")
    var accessLog = true

    @Option(help: "Seconds between heartbeat events on /events.")
    var heartbeat: Double = 5

    func validate() throws {
        if (tlsCert == nil) != (tlsKey == nil) {
            throw ValidationError("--tls-cert and --tls-key go together: give both to serve HTTPS, or neither.")
        }
        guard (0...65535).contains(port) else {
            throw ValidationError("--port \(port) is not a TCP port (0-65535).")
        }
        guard heartbeat > 0 else { throw ValidationError("--heartbeat must be a positive number of seconds.") }
    }

    func run() async throws {
        let logger = Logger(label: "runbook.serve")
        let publicURL = try Self.existingDirectory(publicDirectory, option: "--public")
        let templatesURL = try Self.existingDirectory(templatesDirectory, option: "--templates")
        Self.raiseOpenFileLimit()

        let publisher = EventPublisher()
        let site = try SiteRoutes(publicDirectory: publicURL, templatesDirectory: templatesURL, publisher: publisher, logger: logger, accessLog: accessLog)

        var configuration = WebServer.Configuration(host: host, port: port, logger: logger)
        configuration.maxConnections = Self.openFileLimit() - 64
        if let tlsCert, let tlsKey {
            configuration.security = try Self.tlsFactory(certificate: tlsCert, key: tlsKey)
        }
        let server: WebServer
        do {
            server = try WebServer(configuration: configuration, responder: site.router)
        } catch {
            throw ConfigurationError("cannot listen on \(host):\(port): \(error). Pick another --port or stop what uses it.")
        }
        server.start()
        let scheme = configuration.security == nil ? "http" : "https"
        print("runbook: serving \(scheme)://\(host):\(server.port)/ (Ctrl-C to stop)")

        let heartbeatTask = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(heartbeat))
                await publisher.publish(topic: SiteRoutes.heartbeatTopic, event: "heartbeat", data: Self.timestamp())
            }
        }
        let signals = Self.onTermination {
            logger.info("shutting down")
            Task { await server.shutdown() }
        }
        await server.waitUntilStopped()
        heartbeatTask.cancel()
        signals.forEach { $0.cancel() }
        logger.info("stopped")
    }

    static func existingDirectory(_ path: String, option: String) throws -> URL {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigurationError(
                "the folder '\(url.path)' does not exist. Run from the repository root or pass \(option) DIR.")
        }
        return url
    }

    /// SIGTERM and SIGINT start a graceful shutdown instead of killing the process.
    static func onTermination(_ handler: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
        [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            return source
        }
    }

    /// Thousands of idle keep-alive and event-stream clients need as many descriptors.
    static func raiseOpenFileLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    static func openFileLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        return Int(min(limit.rlim_cur, 1_000_000))
    }

    static func timestamp() -> String {
        // Fractional seconds, so a watcher (and the SSE benchmark) can measure delivery latency.
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }

    static func tlsFactory(certificate: String, key: String) throws -> any ConnectionSecurityFactory {
        do {
            return try TLSContext(configuration: TLSConfiguration(certificatePath: certificate, privateKeyPath: key))
        } catch {
            throw ConfigurationError("TLS could not start: \(error)")
        }
    }
}

/// The routes `runbook serve` answers until the console adds its own pages.
struct SiteRoutes {
    static let heartbeatTopic = "heartbeat"
    let router: Router

    init(publicDirectory: URL, templatesDirectory: URL, publisher: EventPublisher, logger: Logger, accessLog: Bool) throws {
        let home = try HomePage(templatesDirectory: templatesDirectory)
        var routes = RouterBuilder()
        if accessLog { routes.add(middleware: AccessLogMiddleware(logger: logger)) }
        routes.add(middleware: CompressionMiddleware())
        routes.get("/") { _, _ in try home.response() }
        routes.get("/healthz") { _, _ in .text("ok\n") }
        routes.get("/events") { request, _ in
            publisher.response(topic: SiteRoutes.heartbeatTopic, request: request)
        }
        do {
            routes.setFallback(try StaticFileResponder(root: publicDirectory.path))
        } catch {
            throw ConfigurationError("\(error)")
        }
        router = routes.build()
    }
}

/// The home page, rendered from `Templates/home.mustache` (with its layout and partials).
struct HomePage: Sendable {
    let templates: TemplateLibrary

    init(templatesDirectory: URL) throws {
        do {
            templates = try TemplateLibrary(directory: templatesDirectory.path)
        } catch {
            throw ConfigurationError("the templates in '\(templatesDirectory.path)' did not load: \(error)")
        }
        guard templates.contains("home") else {
            throw ConfigurationError("the template '\(templatesDirectory.path)/home.mustache' is missing. Pass --templates DIR with home.mustache in it.")
        }
    }

    func response() throws -> HTTPResponse {
        let context: [String: Any] = [
            "title": "Firestore Runbook",
            "product": "Firestore Runbook",
            "summary": "Zero-downtime Cloud Firestore schema migrations, walked through as a gated runbook.",
            "steps": [
                "Preflight", "Backup and verify", "Indexes", "Dry-run", "Migrate staging",
                "Approvals", "Migrate production", "Validate production", "Rollback",
            ],
        ]
        return try templates.response("home", context)
    }
}
