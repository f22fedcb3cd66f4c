import Foundation

/// The `runbook` executable that `swift test` builds beside the test bundles (or `RUNBOOK_BINARY`),
/// for the tests of the command line: exit codes, output, a `kill -9` in the middle of a run.
///
/// `FIRESTORE_EMULATOR_HOST` is removed from the child's environment: it would send every
/// environment of the test's configuration file to one emulator.
public enum RunbookExecutable {
    public struct Run: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The binary, or nil when it is not built.
    public static var url: URL? {
        if let path = ProcessInfo.processInfo.environment["RUNBOOK_BINARY"] { return URL(fileURLWithPath: path) }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("runbook")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }

    /// Whether command-line tests should run: always under CI, where `swift test` builds the
    /// binary and its absence is a failure (``Missing``), not a skip.
    public static var isAvailable: Bool { url != nil || FirestoreEmulator.isCI }

    /// Starts the binary with its output discarded, for tests that stop it themselves.
    public static func start(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Process {
        let process = try makeProcess(arguments, environment: extra)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs the binary to completion; output goes through files so a large one cannot block it.
    public static func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Run {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("runbook-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("out"), err = scratch.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = try makeProcess(arguments, environment: extra)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
                   stderr: try String(contentsOf: err, encoding: .utf8))
    }

    private static func makeProcess(_ arguments: [String], environment extra: [String: String]) throws -> Process {
        guard let url else { throw Missing() }
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "FIRESTORE_EMULATOR_HOST")
        environment.merge(extra) { $1 }
        process.environment = environment
        return process
    }

    public struct Missing: Error, CustomStringConvertible {
        public init() {}
        public var description: String {
            "the runbook executable is not next to the test bundles; `swift build --product runbook` (or set RUNBOOK_BINARY)"
        }
    }
}
