import ArgumentParser
import Firestore
import Foundation
import Migrations

/// `runbook status --env E [--json]`: the registry, the lease and the recent runs.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show which migrations are applied, who holds the lease and the recent runs.")

    @OptionGroup var target: MigrationTargetOptions

    func run() async throws {
        let context = try target.resolve(migration: nil)
        let report = try await context.run { try await context.engine.status(context.plan) }
        context.emit(report) {
            var lines = ["\(context.environment.name) (\(report.projectID)), plan \(report.planChecksum.prefix(12))"]
            if report.registry.isEmpty { lines.append("  no migration recorded in _migrations") }
            for r in report.registry {
                lines.append("  \(r.migrationID): \(r.status) by \(r.who), run \(r.runID)\(r.checksumMatches ? "" : " — CHECKSUM DIFFERS from the code")")
            }
            lines.append(report.lease.map { "  lease held by run \($0.runID) (\($0.holder) on \($0.host)) until \($0.expiresAt)" } ?? "  lease free")
            for run in report.runs {
                lines.append("  \(run.kind.rawValue) \(run.id) \(run.status.rawValue): processed \(run.counts.processed), migrated \(run.counts.migrated), restored \(run.counts.restored), merged \(run.counts.merged), failed \(run.counts.failed)\(run.undoes.map { ", undoes \($0)" } ?? "")")
            }
            return lines
        }
    }
}
