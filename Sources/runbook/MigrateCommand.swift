import ArgumentParser
import Firestore
import Foundation
import Indexes
import Migrations

/// `runbook migrate --env E (--dry-run | --validate-only | --execute) [--migration ID] [--json]`.
///
/// The live progress line goes to standard error; `--json` prints the final report as one object
/// on standard output. Ctrl-C (or SIGTERM) stops at the next request boundary with the journal
/// and checkpoint consistent: the same command resumes.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Dry-run, execute or validate the TradeYa v2 migration plan on one environment.")

    @OptionGroup var target: MigrationTargetOptions

    @Flag(help: "Read every document at one snapshot and report what would change; writes nothing.")
    var dryRun = false
    @Flag(help: "Scan every document and check it is valid v2, comparing with the undo journal.")
    var validateOnly = false
    @Flag(help: "Migrate (or resume the unfinished run of the same plan).")
    var execute = false

    @Option(help: "Run only this migration of the plan (default: all of them, in order).")
    var migration: String?

    @Option(help: "Critical queries timed before and after --execute (skipped when the file is absent).")
    var queries = "critical-queries.json"

    @Option(help: "Runs of each critical query per measurement; 0 skips the performance baseline.")
    var baselineRuns = 10

    func validate() throws {
        let modes = [dryRun, validateOnly, execute].filter { $0 }.count
        guard modes == 1 else {
            throw ValidationError("choose exactly one of --dry-run, --validate-only, --execute")
        }
    }

    func run() async throws {
        let context = try target.resolve(migration: migration)
        if dryRun {
            let report = try await context.run { try await context.engine.dryRun(context.plan, progress: context.progressLine) }
            context.finishProgress()
            context.emit(report) {
                var lines = ["dry-run of \(context.plan) on \(context.environment.name) at \(report.readTime): \(report.totalDocuments) documents, \(report.totalToMigrate) to migrate, \(report.anomalies.count) anomalies"]
                for m in report.migrations { lines.append("  \(m.migrationID): \(m.documents) docs, \(m.toMigrate) to migrate, \(m.alreadyV2) already v2, \(m.anomalies) anomalies") }
                for a in report.anomalies.prefix(20) { lines.append("  anomaly \(a.document): \(a.field): \(a.reason)") }
                if report.anomalies.count > 20 { lines.append("  … \(report.anomalies.count - 20) more anomalies (--json lists them all)") }
                lines.append(report.estimatedSeconds.map { String(format: "  estimated duration under the rate limit: %.0f s", $0) } ?? "  estimated duration: not limited (emulator)")
                return lines
            }
        } else if validateOnly {
            let report = try await context.run { try await context.engine.validate(context.plan, progress: context.progressLine) }
            context.finishProgress()
            context.emit(report) {
                var lines = ["validation of \(context.plan) on \(context.environment.name): \(report.passed ? "PASSED" : "FAILED")"]
                for m in report.migrations { lines.append("  \(m.migrationID): \(m.documents) docs, \(m.valid) valid v2, \(m.notMigrated) not migrated, \(m.anomalies) anomalies") }
                lines.append("  documents before \(report.countBefore.map(String.init) ?? "?") after \(report.countAfter); journal-checked \(report.journalChecked), changed by the application since \(report.changedByApplication)")
                for p in report.problems.prefix(20) { lines.append("  problem \(p.document): \(p.reason)") }
                return lines
            }
            if !report.passed { throw ExitCodes.operationFailed }
        } else {
            try context.refuseProtected("execute")
            let critical = try loadCriticalQueries()
            let baseline = PerformanceBaseline(reader: context.engine.client)
            let report = try await context.run {
                let before = try await baseline.measure(critical, runs: baselineRuns)
                var report = try await context.engine.execute(context.plan, who: context.who, control: context.control, progress: context.progressLine)
                if !critical.isEmpty {
                    let after = try await baseline.measure(critical, runs: baselineRuns)
                    try context.engine.journal.recordBaseline(runID: report.runID, label: "before", before)
                    try context.engine.journal.recordBaseline(runID: report.runID, label: "after", after)
                    report.baseline = BaselineComparison(before: before, after: after)
                }
                return report
            }
            context.finishProgress()
            context.emitRun(report)
            if let comparison = report.baseline, !context.json {
                for row in comparison.rows {
                    print(String(format: "  query %@: p50 %.1f → %.1f ms, p95 %.1f → %.1f ms%@", row.query, row.before.p50, row.after.p50,
                                 row.before.p95, row.after.p95, row.regressed ? "  REGRESSED" : ""))
                }
                if comparison.recommendsRollback {
                    print("  a critical query is more than 20% slower: consider `runbook rollback --env \(context.environment.name)` (check index builds first)")
                }
            }
            if report.counts.failed > 0 { throw ExitCodes.operationFailed }
        }
    }

    /// The critical queries for the performance baseline; none when the file is absent or runs are 0.
    private func loadCriticalQueries() throws -> [CriticalQuery] {
        guard baselineRuns > 0, FileManager.default.fileExists(atPath: queries) else { return [] }
        do {
            return try CriticalQueryFile.load(path: queries).queries
        } catch {
            throw ConfigurationError("\(error)")
        }
    }
}
