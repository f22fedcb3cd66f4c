import Firestore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A local stand-in for a Google service that tests cannot reach (OAuth token endpoint, metadata
/// server, Firestore Admin API), run as a small Python 3 program from `Tests/StandIns/`.
///
/// Each stand-in speaks the service's documented JSON and has a `/control/…` API to script it
/// (fail the next request, delay answers, register keys, force an index state); the scripts'
/// docstrings list it. The process binds a free loopback port, is probed until it answers, and is
/// stopped by its pid in `stop()` or when the value is released.
///
/// ```swift
/// let admin = try await StandInServer.start(.adminAPI)
/// defer { admin.stop() }
/// _ = try await admin.control("/control/config", ["indexBuildSeconds": .number("0.5")])
/// ```
public final class StandInServer: @unchecked Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// `oauth_token.py`: `POST /token`, verifies the JWT-bearer assertion.
        case oauthToken = "oauth_token"
        /// `metadata_server.py`: `/computeMetadata/v1/...`; set `GCE_METADATA_HOST` to `hostAndPort`.
        case metadataServer = "metadata_server"
        /// `admin_api.py` (+ `admin_fields.py`): `/v1/projects/P/databases/D/...` indexes, field
        /// overrides, operations, export/import, database metadata.
        case adminAPI = "admin_api"
    }

    /// One request the stand-in received (control requests excluded).
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var query: String
        public var headers: [String: String]
        public var body: String
    }

    public let kind: Kind
    public let port: Int
    public let pid: Int32
    private let process: Process
    private let logDirectory: URL

    /// `127.0.0.1:<port>`, the form `GCE_METADATA_HOST` and emulator-style hosts take.
    public var hostAndPort: String { "127.0.0.1:\(port)" }
    public var baseURL: URL { URL(string: "http://\(hostAndPort)")! }

    private init(kind: Kind, port: Int, process: Process, logDirectory: URL) {
        self.kind = kind
        self.port = port
        self.process = process
        self.pid = process.processIdentifier
        self.logDirectory = logDirectory
    }

    deinit { stop() }

    /// The folder holding the Python scripts: `RUNBOOK_STANDINS_DIR`, else `Tests/StandIns` of
    /// this source tree.
    public static var scriptsDirectory: URL {
        if let override = ProcessInfo.processInfo.environment["RUNBOOK_STANDINS_DIR"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Tests/StandIns")
    }

    /// Starts the stand-in and returns once it answers its health probe.
    public static func start(_ kind: Kind, timeout: TimeInterval = 20) async throws -> StandInServer {
        let script = scriptsDirectory.appendingPathComponent("\(kind.rawValue).py")
        guard FileManager.default.fileExists(atPath: script.path) else {
            throw StandInError("stand-in script \(script.path) not found; set RUNBOOK_STANDINS_DIR to Tests/StandIns")
        }
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("standin-\(kind.rawValue)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let stdoutURL = logs.appendingPathComponent("stdout")
        let stderrURL = logs.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", script.path]
        process.currentDirectoryURL = script.deletingLastPathComponent()
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw StandInError("cannot start python3 for \(kind.rawValue): \(error.localizedDescription); install python3")
        }

        let deadline = Date().addingTimeInterval(timeout)
        var port: Int?
        while port == nil {
            let text = (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("PORT ") }) {
                port = Int(line.dropFirst(5))
            } else if !process.isRunning {
                let stderr = (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
                throw StandInError("stand-in \(kind.rawValue) exited with \(process.terminationStatus) before listening: \(stderr)")
            } else if Date() > deadline {
                process.terminate()
                throw StandInError("stand-in \(kind.rawValue) did not print its port within \(Int(timeout)) s")
            } else {
                try await Task.sleep(nanoseconds: 25_000_000)
            }
        }
        let server = StandInServer(kind: kind, port: port!, process: process, logDirectory: logs)
        while true {
            if (try? await server.control("/control/health")) != nil { return server }
            if Date() > deadline {
                server.stop()
                throw StandInError("stand-in \(kind.rawValue) on port \(port!) did not answer /control/health")
            }
            try await Task.sleep(nanoseconds: 25_000_000)
        }
    }

    /// Stops the process by its pid and waits for it; safe to call more than once.
    public func stop() {
        if process.isRunning {
            kill(pid, SIGTERM)
            // Poll rather than `waitUntilExit()`, which spins a run loop and would hang forever on
            // a child that ignores SIGTERM; escalate to SIGKILL after two seconds.
            if !Self.waitForExit(process, seconds: 2) {
                kill(pid, SIGKILL)
                _ = Self.waitForExit(process, seconds: 5)
            }
        }
        try? FileManager.default.removeItem(at: logDirectory)
    }

    private static func waitForExit(_ process: Process, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning {
            if Date() > deadline { return false }
            usleep(10_000)
        }
        return true
    }

    /// Calls a control endpoint: GET without a body, POST with one. Returns the JSON answer.
    @discardableResult
    public func control(_ path: String, _ body: [String: JSON]? = nil) async throws -> JSON {
        var request = URLRequest(url: baseURL.appendingPathComponent(path))
        request.timeoutInterval = 10
        if let body {
            request.httpMethod = "POST"
            request.httpBody = JSON.object(body).serialized()
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else {
            throw StandInError("\(kind.rawValue) \(path) answered HTTP \(status): \(String(decoding: data, as: UTF8.self))")
        }
        return try JSON.parse(data)
    }

    /// Every non-control request received so far, oldest first.
    public func requests() async throws -> [Request] {
        let answer = try await control("/control/requests")
        return (answer["requests"]?.arrayValue ?? []).map { entry in
            Request(
                method: entry["method"]?.stringValue ?? "",
                path: entry["path"]?.stringValue ?? "",
                query: entry["query"]?.stringValue ?? "",
                headers: (entry["headers"]?.objectValue ?? [:]).compactMapValues(\.stringValue),
                body: entry["body"]?.stringValue ?? "")
        }
    }
}

/// A stand-in that could not be started or scripted.
public struct StandInError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
