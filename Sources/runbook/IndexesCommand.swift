import ArgumentParser
import Firestore
import Foundation
import Indexes

/// `runbook indexes check | diff --env E | deploy --env E[,E2] [--wait] [--timeout S] [--prune] | verify --env E`.
///
/// Progress events go to standard error as they happen; `--json` prints one object on standard
/// output. Exit status: 0 ok, 1 the operation failed (a coverage gap, an index not READY, a field
/// override not applied), 2 a broken file or configuration. Emulator environments run the file check and coverage only and
/// say that building indexes does not apply there.
struct IndexesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "indexes", abstract: "Check, diff, deploy and verify firestore.indexes.json.",
        subcommands: [Check.self, Diff.self, Deploy.self, Verify.self])

    struct Files: ParsableArguments {
        @Option(name: .customLong("index-file"), help: ArgumentHelp("The index file.", valueName: "file"))
        var indexFile = "firestore.indexes.json"
        @Option(name: .customLong("queries-file"), help: ArgumentHelp("The critical queries.", valueName: "file"))
        var queriesFile = "critical-queries.json"
        @Option(name: .customLong("migrated-collections"), help: ArgumentHelp(
            "Collections whose migratedAt must be exempt from indexing.", valueName: "a,b"))
        var migratedCollections = IndexCheck.defaultMigratedCollections.joined(separator: ",")

        func check() -> IndexCheckResult {
            IndexCheck(indexFilePath: indexFile, queriesFilePath: queriesFile,
                       migratedCollections: migratedCollections.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }).run()
        }

        /// Runs the check, prints its findings to stderr, exits 2 on a broken file, and returns the file.
        func checkedFile() throws -> IndexFile {
            let result = check()
            for line in IndexesCommand.lines(for: result) { IndexesCommand.log(line) }
            guard result.outcome != .brokenFile, let file = result.indexFile?.file else { throw ExitCodes.usage }
            return file
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate the index file, check every critical query is served, and check the migratedAt exemptions.")
        @OptionGroup var files: Files
        @Flag(help: "Print the result as one JSON object on standard output.") var json = false

        func run() async throws {
            let result = files.check()
            if json { IndexesCommand.printJSON(IndexCheckReport(result)) } else { IndexesCommand.lines(for: result).forEach { print($0) } }
            switch result.outcome {
            case .ok: return
            case .gaps: throw ExitCodes.operationFailed
            case .brokenFile: throw ExitCodes.usage
            }
        }
    }

    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Compare the index file with the indexes and field overrides deployed in one environment.")
        @OptionGroup var target: EnvironmentOptions
        @OptionGroup var files: Files

        func run() async throws {
            let file = try files.checkedFile()
            let stage = try IndexesCommand.stages(target, single: true)[0]
            guard let pipeline = stage.pipeline else {
                IndexesCommand.log("[\(stage.name)] diff: does not apply: \(IndexesCommand.emulatorNote)")
                if target.json { IndexesCommand.printJSON(IndexDiffReport(environment: stage.name, database: stage.database, diff: nil)) }
                return
            }
            let diff = try await IndexesCommand.admin { try await pipeline.diff(file) }
            let output = IndexDiffReport(environment: stage.name, database: stage.database, diff: diff)
            if target.json { IndexesCommand.printJSON(output) } else {
                print("\(stage.name) (\(pipeline.admin.databaseName)): \(diff.counts)")
                output.entries.forEach { print("  \(IndexesCommand.column($0.status.rawValue)) \($0.index)\($0.note.map { " (\($0))" } ?? "")") }
                for entry in output.fieldOverrides {
                    print("  \(IndexesCommand.column(entry.status.rawValue)) field override \(entry.field)\(entry.note.map { " (\($0))" } ?? "")")
                    entry.differences.forEach { print("      \($0)") }
                    if let operation = entry.operation { print("      update running: \(operation)\(entry.changes.isEmpty ? "" : " (\(entry.changes.joined(separator: ", ")))")") }
                }
            }
            if !diff.allReady { throw ExitCodes.operationFailed }
        }
    }

    struct Deploy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the missing indexes and apply the field overrides; with --wait, poll until every index is READY and every override applied. --env staging,production runs in order.")
        @OptionGroup var target: EnvironmentOptions
        @OptionGroup var files: Files
        @Flag(help: "Wait until every index is READY, failing on NEEDS_REPAIR or at the timeout.") var wait = false
        @Option(help: ArgumentHelp("Seconds to wait at most (with --wait).", valueName: "s")) var timeout = 3600
        @Option(name: .customLong("poll-interval"), help: ArgumentHelp("Seconds between state checks.", valueName: "s"))
        var pollInterval = 10.0
        @Flag(help: "Delete deployed indexes that are not in the file, and reset overridden fields it does not name to their inherited indexes.") var prune = false

        func validate() throws {
            guard timeout > 0 else { throw ValidationError("--timeout must be a number of seconds above 0") }
            guard pollInterval > 0 else { throw ValidationError("--poll-interval must be above 0") }
        }

        func run() async throws {
            let file = try files.checkedFile()
            var results: [IndexRollout.Stage] = []
            for stage in try IndexesCommand.stages(target, single: false, pollInterval: pollInterval) {
                guard let pipeline = stage.pipeline else {
                    IndexesCommand.log("[\(stage.name)] deploy: does not apply: \(IndexesCommand.emulatorNote)")
                    results.append(IndexRollout.Stage(environment: stage.name, verification: .notApplicable(environment: stage.name, database: stage.database)))
                    continue
                }
                let result = await IndexRollout(stages: [pipeline], prune: prune, wait: wait, timeout: .seconds(timeout)).run(file)[0]
                if let error = result.error { IndexesCommand.log("[\(stage.name)] error: \(error)") }
                results.append(result)
                if !result.succeeded {
                    IndexesCommand.log("[\(stage.name)] failed: later environments were not touched")
                    break
                }
            }
            let report = IndexRolloutReport(stages: results)
            if target.json {
                IndexesCommand.printJSON(report)
            } else {
                for stage in results {
                    print("\(stage.environment): \(stage.deploy?.summary ?? "nothing to deploy")"
                          + (stage.verification.map { "; \($0.status.rawValue): \($0.message)" } ?? ""))
                }
            }
            if !report.succeeded { throw ExitCodes.operationFailed }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check every index of the file is READY and every field override applied: the evidence for the \"indexes built\" gate.")
        @OptionGroup var target: EnvironmentOptions
        @OptionGroup var files: Files

        func run() async throws {
            let file = try files.checkedFile()
            let stage = try IndexesCommand.stages(target, single: true)[0]
            let verification: IndexVerification
            if let pipeline = stage.pipeline {
                verification = try await IndexesCommand.admin { try await pipeline.verify(file) }
            } else {
                verification = .notApplicable(environment: stage.name, database: stage.database)
            }
            if target.json { IndexesCommand.printJSON(verification) } else {
                print("\(stage.name) (\(verification.database)): \(verification.status.rawValue): \(verification.message)")
                verification.indexes.forEach { print("  \(IndexesCommand.column($0.status.rawValue)) \($0.index)") }
                for item in verification.fieldOverrides {
                    print("  \(IndexesCommand.column(item.status.rawValue)) field override \(item.field)\(item.note.map { " (\($0))" } ?? "")")
                    item.differences.forEach { print("      \($0)") }
                }
            }
            if verification.status == .notReady { throw ExitCodes.operationFailed }
        }
    }
}

extension IndexesCommand {
    static let emulatorNote = "the emulator has no index API (composite indexes, field overrides) and serves every query without composite indexes; the file check and coverage ran above"

    struct Stage {
        var name: String
        var database: String
        /// Nil for an emulator environment.
        var pipeline: IndexPipeline?
    }

    /// The environments `--env` names (a comma-separated list where allowed), connected.
    static func stages(_ target: EnvironmentOptions, single: Bool, pollInterval: Double = 10) throws -> [Stage] {
        let names = target.env.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if single && names.count != 1 { throw ConfigurationError("--env takes one environment here, got \(target.env)") }
        let configuration = try target.configuration()
        let sink = IndexEventSink { log($0.description) }
        return try names.map { name in
            let environment: FirestoreEnvironment
            do { environment = try configuration.environment(named: name) } catch { throw ConfigurationError("\(error)") }
            if environment.isEmulator { return Stage(name: name, database: environment.databasePath, pipeline: nil) }
            let connection: EnvironmentConnection
            do { connection = try EnvironmentConnection(environment: environment) } catch {
                throw ConfigurationError("environment \(name): \(error)")
            }
            let pipeline = IndexPipeline(environment: name, admin: connection.admin, events: sink, pollInterval: .milliseconds(Int(pollInterval * 1000)))
            return Stage(name: name, database: environment.databasePath, pipeline: pipeline)
        }
    }

    /// Runs an Admin API call; a failure is the operation failing (exit 1), with Google's message.
    static func admin<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as FirestoreError {
            log("error: \(error)")
            throw ExitCodes.operationFailed
        }
    }

    /// A status padded to one column width.
    static func column(_ status: String) -> String { status.padding(toLength: 12, withPad: " ", startingAt: 0) }

    static func log(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }

    static func printJSON<T: Encodable>(_ value: T) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return }
        print(String(decoding: data, as: UTF8.self))
    }

    /// The check's findings for people, one per line.
    static func lines(for result: IndexCheckResult) -> [String] {
        var lines = result.fileErrors.map { "error: \($0)" }
        for coverage in result.coverage?.results ?? [] {
            lines.append("\(coverage.isServed ? "ok" : "GAP") \(coverage.summary)")
            if case .missingIndex(let suggested, _) = coverage.verdict {
                lines.append("  add to \(result.indexFile?.fileName ?? "the index file"): \(suggested.fileEntry)")
            }
            lines += coverage.warnings.map { "  warning: \($0)" }
        }
        for collection in result.missingExemptions {
            lines.append("GAP \(collection): no fieldOverrides entry exempting migratedAt from indexing (add {\"collectionGroup\": \"\(collection)\", \"fieldPath\": \"migratedAt\", \"indexes\": []}); its ever-increasing values cap writes at about 500/s")
        }
        if let file = result.indexFile, let coverage = result.coverage {
            lines += coverage.unusedIndexes(in: file.file).map { "note: \(file.reference(toIndexAt: $0)) serves no critical query" }
        }
        lines.append("indexes check: \(result.outcome.rawValue)")
        return lines
    }
}
