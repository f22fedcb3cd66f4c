import ArgumentParser
import Backups
import Firestore
import Foundation

/// `runbook backup create | verify | list | restore`: consistent snapshots to local gzip JSON
/// lines, their verification (the evidence the "backup verified" gate reads) and restore.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Take, verify, list and restore backups of an environment.",
        subcommands: [Create.self, Verify.self, List.self, Restore.self])

    /// The version written into manifests and verification reports.
    static let toolVersion = "runbook 0.1.0"

    struct Location: ParsableArguments {
        @OptionGroup var target: EnvironmentOptions

        @Option(name: .customLong("backup-dir"), help: ArgumentHelp(
            "Root folder of backups (<dir>/<env>/<id>/).", valueName: "dir"))
        var backupDirectory = ProcessInfo.processInfo.environment["RUNBOOK_BACKUP_DIR"] ?? "backups"

        var store: BackupStore { BackupStore(root: URL(fileURLWithPath: backupDirectory, isDirectory: true)) }
        var who: String {
            let environment = ProcessInfo.processInfo.environment
            return "\(environment["USER"] ?? "unknown")@\(ProcessInfo.processInfo.hostName)"
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Snapshot collections at one readTime into a new backup.")
        @OptionGroup var location: Location
        @Option(help: ArgumentHelp("Root collections to back up, comma-separated (default: all).", valueName: "a,b"))
        var collections: String?
        @Flag(help: "Include subcollections at any depth (also those below documents that no longer exist).")
        var subcollections = false
        @Option(name: .customLong("export-to"), help: ArgumentHelp(
            "Also run Firestore's managed export to this Cloud Storage prefix and wait for it.", valueName: "gs://bucket/path"))
        var exportTo: String?
        @Option(help: "Documents per read request (1 to 10000).")
        var pageSize = 5000
        @Option(name: .customLong("parallel"), help: ArgumentHelp(
            "Root collections read at once (1 to 32), each holding one page in memory.", valueName: "n"))
        var parallel = 4

        func run() async throws {
            let connection = try location.target.connect()
            let list = collections.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            var options = BackupCreator.Options(
                environment: connection.environment.name, collections: list, includeSubcollections: subcollections,
                toolVersion: BackupCommand.toolVersion, createdBy: location.who)
            options.pageSize = pageSize
            options.collectionConcurrency = parallel
            if let exportTo { options.managedExport = (ManagedExporter(admin: connection.admin), exportTo) }
            let creator = BackupCreator(store: location.store, reader: FirestoreSnapshotReader(connection.firestore))
            let manifest = try await withProgress { try await creator.create(options, events: $0) }
            emit(manifest, json: location.target.json) {
                ["backup \(manifest.id) of \(manifest.project) at readTime \(manifest.readTime): \(manifest.totalDocuments) documents, \(manifest.totalBytes) bytes"]
                    + manifest.collections.map { "  \($0.collection): \($0.documentCount) documents, sha256 \($0.sha256)" }
                    + (manifest.managedExport.map { ["  managed export: \($0.outputUriPrefix) (\($0.state))"] } ?? [])
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Re-read a backup, check every file and line, compare counts with Firestore.")
        @OptionGroup var location: Location
        @Argument(help: "The backup ID (see `runbook backup list`).")
        var id: String
        @Flag(name: .customLong("files-only"), help: "Check the files only; don't ask Firestore for counts.")
        var filesOnly = false

        func run() async throws {
            let connection = try location.target.connect()
            let window = filesOnly ? PointInTimeWindow.oneHour : await PointInTimeWindow.lookUp(admin: connection.admin)
            let verifier = BackupVerifier(
                store: location.store, reader: filesOnly ? nil : FirestoreSnapshotReader(connection.firestore), window: window,
                verifiedBy: location.who, toolVersion: BackupCommand.toolVersion)
            let report = try await withProgress { try await verifier.verify(environment: connection.environment.name, id: id, events: $0) }
            emit(report, json: location.target.json) {
                ["verify \(report.backupID): \(report.passed ? "PASSED" : "FAILED") (counts: \(report.countSource.rawValue); \(report.countSourceNote))"]
                    + report.collections.map { "  \($0.collection): \($0.lineCount) lines, manifest \($0.manifestCount), Firestore \($0.firestoreCount.map(String.init) ?? "-")" }
                    + report.findings.map { "  FAIL \($0)" } + report.notes.map { "  note: \($0)" }
            }
            if !report.passed { throw ExitCodes.operationFailed }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the finished backups of an environment.")
        @OptionGroup var location: Location

        struct Entry: Encodable {
            var id: String
            var readTime: String
            var documents: Int
            var counts: [String: Int]
            var bytes: Int64
            var verified: String
            var verifiedAt: String?
        }

        func run() async throws {
            let environment = try location.target.environment()
            let store = location.store
            let listed = store.list(environment: environment.name)
            let entries = listed.backups.map { manifest in
                let verification = store.verification(environment: environment.name, id: manifest.id)
                return Entry(id: manifest.id, readTime: manifest.readTime, documents: manifest.totalDocuments,
                             counts: Dictionary(uniqueKeysWithValues: manifest.collections.map { ($0.collection, $0.documentCount) }),
                             bytes: manifest.totalBytes, verified: verification.map { $0.passed ? "passed" : "failed" } ?? "never",
                             verifiedAt: verification?.verifiedAt)
            }
            for problem in listed.problems { FileHandle.standardError.write(Data("warning: \(problem)\n".utf8)) }
            for id in listed.abandoned {
                FileHandle.standardError.write(Data("note: .partial-\(id) is an unfinished backup (interrupted); it can be deleted\n".utf8))
            }
            emit(["environment": AnyEncodable(environment.name), "backups": AnyEncodable(entries)], json: location.target.json) {
                entries.isEmpty ? ["no backups of \(environment.name) in \(store.environmentDirectory(environment.name).path)"]
                    : entries.map { e in
                        "\(e.id)  readTime \(e.readTime)  \(e.documents) docs (\(e.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))  verified: \(e.verified)"
                    }
            }
        }
    }

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a backup back, or into another environment.")
        @OptionGroup var location: Location
        @Argument(help: "The backup ID (see `runbook backup list`).")
        var id: String
        @Option(help: ArgumentHelp("Restore into this environment instead (names rewritten to its project).", valueName: "env"))
        var into: String?
        @Flag(help: "Say what would be created, overwritten, left identical or (extras) deleted; write nothing.")
        var dryRun = false
        @Flag(help: "Replace live documents that differ from the backup.")
        var overwrite = false
        @Flag(name: .customLong("delete-extras"), help: """
            With --overwrite: also delete live documents of the backup's collections that the backup lacks \
            (each only if unchanged since it was listed).
            """)
        var deleteExtras = false
        @Option(name: .customLong("confirm-protected"), help: ArgumentHelp(
            "Allow writing into a protected environment: type its name again.", valueName: "env"))
        var confirmProtected: String?

        func run() async throws {
            let source = try location.target.environment()
            var targetOptions = location.target
            if let into { targetOptions.env = into }
            let target = try targetOptions.connect()
            let restorer = BackupRestorer(store: location.store, target: FirestoreRestoreWriter(target.firestore))
            var options = BackupRestorer.Options(environment: source.name, id: id, dryRun: dryRun, overwrite: overwrite)
            options.concurrency = max(1, min(16, target.environment.rateLimits.maxConcurrency))
            options.deleteExtras = deleteExtras
            options.protectedTarget = target.environment.isProtected ? target.environment.name : nil
            options.confirmedProtected = confirmProtected
            let report = try await withProgress { try await restorer.restore(options, events: $0) }
            emit(report, json: location.target.json) { Self.lines(report, deleteExtras: deleteExtras) }
            if report.failed > 0 { throw ExitCodes.operationFailed }
        }

        static func lines(_ report: RestoreReport, deleteExtras: Bool) -> [String] {
            let extras: String = switch (report.dryRun, deleteExtras) {
            case (true, true): "would delete \(report.extras) not in the backup"
            case (true, false): "\(report.extras) not in the backup would be left (--overwrite --delete-extras deletes them)"
            case (false, true): "\(report.extrasDeleted) not in the backup deleted"
            case (false, false): "\(report.extras) not in the backup left in place"
                + (report.extras > 0 ? " (--overwrite --delete-extras deletes them)" : "")
            }
            let head = report.dryRun
                ? "dry run of \(report.backupID) into \(report.target): would create \(report.created), overwrite \(report.overwritten) that differ, leave \(report.identical) identical; \(extras)"
                : "restored \(report.backupID) into \(report.target): \(report.created) created, \(report.overwritten) overwritten, \(report.identical) identical, \(report.failed) failed; \(extras)"
            return [head] + report.overwriteExamples.map { "  differs: \($0)" }
                + report.extraExamples.map { "  \(deleteExtras && !report.dryRun ? "deleted" : "not in backup"): \($0)" }
                + report.failures.map { "  FAILED \($0)" } + report.notes.map { "  note: \($0)" }
        }
    }
}

/// Runs an operation with its events printed to standard error, and maps backup errors to the
/// exit statuses of DESIGN.md.
private func withProgress<T: Sendable>(_ body: (AsyncStream<BackupEvent>.Continuation) async throws -> T) async throws -> T {
    let (events, sink) = AsyncStream.makeStream(of: BackupEvent.self, bufferingPolicy: .bufferingNewest(256))
    let printer = Task {
        for await event in events { FileHandle.standardError.write(Data((event.line + "\n").utf8)) }
    }
    defer { sink.finish() }
    do {
        let result = try await body(sink)
        sink.finish()
        await printer.value
        return result
    } catch let error as BackupError {
        sink.finish()
        await printer.value
        switch error.kind {
        case .usage: throw ConfigurationError(error.description)
        case .refused:
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCodes.refused
        case .failed:
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCodes.operationFailed
        }
    } catch let error as FirestoreError {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCodes.operationFailed
    }
}

/// `--json`: one object on standard output; else the text lines.
private func emit<T: Encodable>(_ value: T, json: Bool, text: () -> [String]) {
    if json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if let data = try? encoder.encode(value) { FileHandle.standardOutput.write(data + Data("\n".utf8)) }
    } else {
        FileHandle.standardOutput.write(Data((text().joined(separator: "\n") + "\n").utf8))
    }
}

private struct AnyEncodable: Encodable {
    let encodeValue: (Encoder) throws -> Void
    init<T: Encodable>(_ value: T) { encodeValue = value.encode }
    func encode(to encoder: Encoder) throws { try encodeValue(encoder) }
}
