import ArgumentParser
import Firestore
import Foundation
import Migrations

/// `runbook rollback --env E [--run ID] [--json]`: undo a migration run from the undo journal.
struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback", abstract: "Undo a migration run from its undo journal (the latest run when --run is not given).")

    @OptionGroup var target: MigrationTargetOptions

    @Option(help: "The execute run to undo (see `runbook status`).")
    var run: String?

    func run() async throws {
        let context = try target.resolve(migration: nil)
        let report = try await context.run {
            try await context.engine.rollback(context.plan, runID: run, who: context.who, control: context.control, progress: context.progressLine)
        }
        context.finishProgress()
        context.emitRun(report)
        if report.counts.failed > 0 { throw ExitCodes.operationFailed }
    }
}
