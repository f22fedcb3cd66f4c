import ArgumentParser
import Dispatch
import Firestore
import Foundation
import Migrations

/// Options shared by `migrate`, `rollback` and `status`: the shared `--config/--env/--json`
/// plus where the journal lives, the write rate and who is running.
struct MigrationTargetOptions: ParsableArguments {
    @OptionGroup var target: EnvironmentOptions

    @Option(name: .customLong("state-dir"), help: "Where the undo journal lives (keep it: rollback needs it).")
    var stateDirectory = ".runbook"

    @Option(help: "Write rate limit in documents per second, 0 for none (default: the environment's; none on the emulator).")
    var rate: Double?

    @Option(help: "Who is running this, for the registry and the lease (default: $USER).")
    var who: String?

    func validate() throws {
        if let rate, rate < 0 { throw ValidationError("--rate must be 0 (unlimited) or a positive number of documents per second") }
    }

    func resolve(migration: String?) throws -> MigrationCommandContext {
        let processEnvironment = ProcessInfo.processInfo.environment
        let connection = try target.connect(processEnvironment: processEnvironment)
        let environment = connection.environment
        var plan = TradeYaV2.plan()
        if let migration {
            do { plan = try plan.only(migration) } catch { throw ConfigurationError("--migration: \(error)") }
        }
        let client = connection.firestore
        let journalPath = (stateDirectory as NSString).appendingPathComponent("journal.sqlite")
        let journal: UndoJournal
        do { journal = try UndoJournal(path: journalPath) } catch { throw ConfigurationError("\(error)") }
        let policy: RateLimitPolicy
        if let rate {
            policy = rate == 0 ? .unlimited : .fixed(opsPerSecond: rate)
        } else if environment.isEmulator {
            policy = .unlimited
        } else {
            let limits = environment.rateLimits
            let ceiling = Double(limits.documentsPerSecond)
            policy = limits.rampUp ? .rampUp(initial: min(500, ceiling), growth: 1.5, stepSeconds: 300, maximum: ceiling) : .fixed(opsPerSecond: ceiling)
        }
        var options = EngineOptions()
        options.requestsInFlight = max(1, environment.rateLimits.maxConcurrency)
        let engine = MigrationEngine(client: client, journal: journal, environment: environment.name, rateLimit: policy, options: options)
        return MigrationCommandContext(environment: environment, plan: plan, engine: engine, who: who ?? processEnvironment["USER"] ?? "unknown", json: target.json)
    }
}

/// One command's resolved environment, plan and engine, plus the terminal plumbing.
final class MigrationCommandContext: Sendable {
    let environment: FirestoreEnvironment
    let plan: MigrationPlan
    let engine: MigrationEngine
    let who: String
    let json: Bool
    let control: RunControl
    private let line = ProgressLine()

    init(environment: FirestoreEnvironment, plan: MigrationPlan, engine: MigrationEngine, who: String, json: Bool) {
        self.environment = environment
        self.plan = plan
        self.engine = engine
        self.who = who
        self.json = json
        self.control = RunControl(rateLimit: engine.rateLimit)
    }

    var progressLine: ProgressHandler { { [line] event in line.show(event.line) } }
    func finishProgress() { line.finish() }

    /// Runs an operation with Ctrl-C mapped to a clean abort and errors mapped to exit codes.
    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        let sources = [SIGINT, SIGTERM].map { number -> DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [control] in
                FileHandle.standardError.write(Data("\nstopping at the next request boundary (the journal stays consistent)…\n".utf8))
                Task { await control.abort() }
            }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }
        do {
            return try await body()
        } catch let error as RefusedError {
            finishProgress()
            Self.fail("refused: \(error.message)")
            throw ExitCodes.refused
        } catch let error as MigrationAborted {
            finishProgress()
            Self.fail("\(error)")
            throw ExitCodes.operationFailed
        } catch let error as FirestoreError {
            finishProgress()
            Self.fail("\(error)\nThe run's state is in the undo journal \(engine.journal.path); run the same command again to resume.")
            throw ExitCodes.operationFailed
        } catch let error as JournalError {
            finishProgress()
            Self.fail("\(error)")
            throw ExitCodes.usage
        }
    }

    /// A protected environment is written only through the runbook's gates.
    func refuseProtected(_ operation: String) throws {
        guard environment.isProtected else { return }
        Self.fail("refused: \(environment.name) is protected; \(operation) it through the runbook, whose gates check the backup, indexes, dry-run and approvals")
        throw ExitCodes.refused
    }

    func emit<T: Encodable>(_ report: T, text: () -> [String]) {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            if let data = try? encoder.encode(report) {
                FileHandle.standardOutput.write(data + Data("\n".utf8))
            }
        } else {
            print(text().joined(separator: "\n"))
        }
    }

    func emitRun(_ report: RunReport) {
        emit(report) {
            let c = report.counts
            var lines = ["\(report.kind.rawValue) \(report.runID) on \(environment.name): \(report.status.rawValue)\(report.resumed ? " (resumed)" : "")\(report.undoes.map { ", undid \($0)" } ?? "")",
                         String(format: "  processed %d, migrated %d, skipped %d, restored %d, merged %d, conflicts %d, failed %d, anomalies %d in %.1f s (%.0f docs/s)",
                                c.processed, c.migrated, c.skipped, c.restored, c.merged, c.conflicts, c.failed, c.anomalies, report.durationSeconds, report.docsPerSecond)]
            for f in report.failures.prefix(20) { lines.append("  failed \(f.document): \(f.reason)") }
            return lines
        }
    }

    static func fail(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }
}

/// The live progress line on standard error: redrawn in place on a terminal, one line every few
/// seconds otherwise (a CI log should not get thousands of lines).
final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private let isTerminal = isatty(2) == 1
    private var lastPrinted = Date.distantPast
    private var drawn = false

    func show(_ text: String) {
        lock.withLock {
            if isTerminal {
                FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
                drawn = true
            } else if Date().timeIntervalSince(lastPrinted) >= 5 {
                FileHandle.standardError.write(Data("\(text)\n".utf8))
                lastPrinted = Date()
            }
        }
    }

    func finish() {
        lock.withLock {
            if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
            drawn = false
        }
    }
}
