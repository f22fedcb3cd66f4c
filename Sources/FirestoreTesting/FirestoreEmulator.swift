import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real Cloud Firestore emulator, for tests of every layer.
///
/// One shared instance per test process (``shared()``), each test in a project of its own
/// (``newProjectID(_:)``), so tests run in parallel without seeing each other's data. A test that
/// needs the emulator to go away launches a private one (``launch()``) and stops it.
///
/// ```swift
/// let emulator = try await FirestoreEmulator.shared()
/// let client = emulator.client(projectID: emulator.newProjectID("trades"))
/// ```
public final class FirestoreEmulator: Sendable {
    /// `127.0.0.1:PORT`, the value `FIRESTORE_EMULATOR_HOST` would carry.
    public let host: String
    /// The launched process group, nil for an emulator we did not start (`FIRESTORE_EMULATOR_HOST`).
    private let process: ProcessGroup?
    /// The emulator's own output, kept for error messages.
    public let logFile: String?

    private init(host: String, process: ProcessGroup?, logFile: String?) {
        self.host = host
        self.process = process
        self.logFile = logFile
    }

    /// True under CI (`CI=true`), where a missing emulator must fail tests rather than skip them.
    public static var isCI: Bool {
        let value = ProcessInfo.processInfo.environment["CI"]?.lowercased()
        return value == "true" || value == "1"
    }

    /// Whether emulator tests should run: an emulator is configured or installed, or this is CI
    /// (where the tests then fail with the reason). Use it as `.enabled(if: FirestoreEmulator.isAvailable)`.
    public static var isAvailable: Bool {
        isCI || configuredHost != nil || canLaunch
    }

    /// Whether a private emulator can be launched (the binary is installed).
    public static var canLaunch: Bool { isCI || (try? EmulatorLocator.locate()) != nil }

    static var configuredHost: String? {
        guard let host = ProcessInfo.processInfo.environment["FIRESTORE_EMULATOR_HOST"], !host.isEmpty else { return nil }
        return host
    }

    private static let sharedTask = LockedBox<Task<FirestoreEmulator, any Error>?>(nil)

    /// The emulator for this test process: `FIRESTORE_EMULATOR_HOST` if set, else one started on a
    /// free port on first use and stopped when the process exits.
    public static func shared() async throws -> FirestoreEmulator {
        let task = sharedTask.withLock { task in
            if let task { return task }
            let created = Task<FirestoreEmulator, any Error> {
                if let host = configuredHost {
                    let emulator = FirestoreEmulator(host: host, process: nil, logFile: nil)
                    try await emulator.waitUntilReady(timeout: 30)
                    return emulator
                }
                return try await launch()
            }
            task = created
            return created
        }
        return try await task.value
    }

    /// Starts a private emulator on a free port. The caller stops it (it is also killed at exit).
    public static func launch(timeout: TimeInterval = 120) async throws -> FirestoreEmulator {
        let executable = try EmulatorLocator.locate()
        var lastError: (any Error)?
        for _ in 0..<3 {  // another process may take the free port before the emulator binds it
            let port = try EmulatorLocator.freePort()
            let host = "127.0.0.1:\(port)"
            let logFile = NSTemporaryDirectory() + "firestore-emulator-\(getpid())-\(port).log"
            let process = try ProcessGroup(
                executable: executable, arguments: ["start", "--host=127.0.0.1", "--port=\(port)"], logFile: logFile)
            let emulator = FirestoreEmulator(host: host, process: process, logFile: logFile)
            do {
                try await emulator.waitUntilReady(timeout: timeout)
                return emulator
            } catch {
                process.stop(grace: 1)
                lastError = error
                if Task.isCancelled { break }
            }
        }
        throw lastError ?? EmulatorError.launchFailed("unknown reason")
    }

    /// Stops a launched emulator and its java child; waits until both are gone. No-op for an
    /// emulator given by `FIRESTORE_EMULATOR_HOST`.
    public func stop() {
        process?.stop()
    }

    /// The launcher's process ID (its process group holds the java child), nil when not ours.
    public var pid: Int32? { process?.pid }

    /// A project ID no other test uses: `label-` plus random hex, within Firestore's 30 characters.
    public func newProjectID(_ label: String = "test") -> String {
        let cleaned = String(label.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }.prefix(18))
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16).prefix(10)
        return (cleaned.first?.isLetter == true ? cleaned : "t" + cleaned.prefix(17)) + "-" + suffix
    }

    /// The emulator's REST endpoint, e.g. `http://127.0.0.1:8080`.
    public var baseURL: URL { URL(string: "http://\(host)")! }

    /// Deletes every document of a project (the emulator's own reset endpoint).
    public func clear(projectID: String) async throws {
        var request = URLRequest(url: baseURL.appendingPathComponent("emulator/v1/projects/\(projectID)/databases/(default)/documents"))
        request.httpMethod = "DELETE"
        let (_, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw EmulatorError.launchFailed("clearing \(projectID) on \(host) failed: \(response)")
        }
    }

    /// Polls `GET /` until the emulator answers `Ok`, failing early if the process died.
    func waitUntilReady(timeout: TimeInterval) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 2
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        while Date() < deadline {
            try Task.checkCancellation()
            if let process, !process.isRunning {
                throw EmulatorError.launchFailed("the process exited during start-up. Its log ends with:\n\(logTail())")
            }
            if let (data, response) = try? await session.data(from: baseURL),
                (response as? HTTPURLResponse)?.statusCode == 200, String(decoding: data, as: UTF8.self).hasPrefix("Ok")
            {
                return
            }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        throw EmulatorError.notReady(host: host, seconds: Int(timeout), logTail: logTail())
    }

    func logTail() -> String {
        guard let logFile, let text = try? String(contentsOfFile: logFile, encoding: .utf8) else { return "(no log)" }
        return text.split(separator: "\n").suffix(15).joined(separator: "\n")
    }
}
