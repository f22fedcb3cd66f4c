import Firestore
import Foundation
import Logging

/// The migration operations on one environment: dry-run, execute, validate, rollback, status.
///
/// Execute and rollback hold the environment's lease for their whole duration, check and update
/// the `_migrations` registry, and journal every write locally, so the same call after a crash,
/// an abort or a lost connection resumes from the checkpoint.
///
/// ```swift
/// let engine = MigrationEngine(client: client, journal: try UndoJournal(path: ".runbook/journal.sqlite"),
///                              environment: "staging", rateLimit: .firestoreRampUp)
/// let report = try await engine.execute(TradeYaV2.plan(), who: "ana")
/// ```
public struct MigrationEngine: Sendable {
    public let client: FirestoreClient
    public let journal: UndoJournal
    public let environment: String
    public let rateLimit: RateLimitPolicy
    public var options: EngineOptions
    public var logger: Logger

    public init(client: FirestoreClient, journal: UndoJournal, environment: String, rateLimit: RateLimitPolicy,
                options: EngineOptions = EngineOptions(), logger: Logger = Logger(label: "runbook.migrations")) {
        self.client = client
        self.journal = journal
        self.environment = environment
        self.rateLimit = rateLimit
        self.options = options
        self.logger = logger
    }

    /// Reads only, at one snapshot: see ``DryRun``.
    public func dryRun(_ plan: MigrationPlan, progress: ProgressHandler? = nil) async throws -> DryRunReport {
        let reader: any FirestoreReading = client
        return try await DryRun(reader: reader, options: options).run(plan: plan, environment: environment, rateLimit: rateLimit, progress: progress)
    }

    /// A full scan against the latest execute run's journal.
    public func validate(_ plan: MigrationPlan, progress: ProgressHandler? = nil) async throws -> ValidationReport {
        let run = try runs(.execute).first { $0.planChecksum == plan.checksum }
        return try await Validator(reader: client, journal: journal, options: options).run(plan: plan, executeRun: run, progress: progress)
    }

    /// Runs (or resumes) the plan. Throws ``RefusedError`` when the lease is held or a migration's
    /// definition changed since it was recorded.
    public func execute(_ plan: MigrationPlan, who: String, control: RunControl? = nil,
                        progress: ProgressHandler? = nil) async throws -> RunReport {
        let control = control ?? RunControl(rateLimit: rateLimit, clock: options.clock)
        let registry = MigrationRegistry(client: client)
        try await registry.verify(plan)

        let unfinished: Set<RunRecord.Status> = [.running, .failed, .aborted]
        var run: RunRecord
        let resumed: Bool
        if let previous = try runs(.execute).first,
           previous.planChecksum == plan.checksum, unfinished.contains(previous.status) {
            run = previous
            resumed = true
        } else {
            run = RunRecord(id: Self.newRunID(), kind: .execute, environment: environment, projectID: client.projectID,
                            planChecksum: plan.checksum, migrationIDs: plan.migrations.map(\.id), who: who)
            resumed = false
            // Journaled before the lease is taken: a process killed in between leaves a run that
            // the next call resumes (and whose dead lease it may take over at once).
            try journal.startRun(run)
        }
        let lease = LeaseLock(client: client, ttl: options.leaseSeconds, logger: logger)
        try await lease.acquire(runID: run.id, who: who, operation: "execute", onLost: control)
        do {
            if resumed { logger.info("resuming run \(run.id) from its checkpoint") }
            if run.totalAtStart == nil {
                var total = 0
                for collection in plan.collections { total += Int(try await client.count(StructuredQuery(collection: collection))) }
                run.totalAtStart = total
            }
            run.status = .running
            run.error = nil
            try journal.updateRun(run)
            for migration in plan.migrations { try await registry.write(migration, run: run, status: "running") }
            let started = options.clock.now()
            let before = run.counts.processed
            let executor = Executor(client: client, journal: journal, options: options, control: control, progress: progress)
            let outcome: Executor.Outcome
            do {
                outcome = try await executor.run(plan: plan, run: &run, total: run.totalAtStart)
            } catch {
                run.status = error is MigrationAborted ? .aborted : .failed
                run.error = "\(error)"
                try journal.updateRun(run)
                for migration in plan.migrations { try? await registry.write(migration, run: run, status: run.status.rawValue) }
                throw error
            }
            run.status = .completed
            run.finishedAt = Date()
            try journal.updateRun(run)
            for migration in plan.migrations { try await registry.write(migration, run: run, status: "applied") }
            await lease.release()
            let seconds = options.clock.now() - started
            return RunReport(runID: run.id, kind: .execute, environment: environment, status: run.status, resumed: resumed,
                             counts: run.counts, durationSeconds: seconds,
                             docsPerSecond: seconds > 0 ? Double(run.counts.processed - before) / seconds : 0,
                             anomalies: outcome.anomalies, failures: outcome.failures, undoes: nil)
        } catch {
            await lease.release()
            throw error
        }
    }

    /// Undoes an execute run (the latest on this environment when `runID` is nil), or resumes an
    /// unfinished rollback of it.
    public func rollback(_ plan: MigrationPlan, runID: String? = nil, who: String, control: RunControl? = nil,
                         progress: ProgressHandler? = nil) async throws -> RunReport {
        let control = control ?? RunControl(rateLimit: rateLimit, clock: options.clock)
        guard let target = try runID.map({ try journal.run(id: $0) }) ?? runs(.execute).first else {
            throw RefusedError(runID.map { "no run \($0) in the undo journal \(journal.path)" }
                               ?? "no migration run on \(environment) in the undo journal \(journal.path): nothing to roll back")
        }
        guard target.kind == .execute, target.environment == environment, target.projectID == client.projectID else {
            throw RefusedError("run \(target.id) is a \(target.kind.rawValue) run on \(target.environment) (\(target.projectID)), not a migration run on \(environment) (\(client.projectID))")
        }
        var run: RunRecord
        let resumed: Bool
        if let previous = try runs(.rollback).first(where: { $0.undoes == target.id }),
           previous.status != .completed {
            run = previous
            resumed = true
        } else {
            run = RunRecord(id: Self.newRunID(), kind: .rollback, environment: environment, projectID: client.projectID,
                            planChecksum: target.planChecksum, migrationIDs: target.migrationIDs, who: who, undoes: target.id)
            resumed = false
            try journal.startRun(run)
        }
        let lease = LeaseLock(client: client, ttl: options.leaseSeconds, logger: logger)
        try await lease.acquire(runID: run.id, who: who, operation: "rollback", onLost: control)
        let registry = MigrationRegistry(client: client)
        do {
            run.status = .running
            try journal.updateRun(run)
            let started = options.clock.now()
            let before = run.counts.processed
            let sender = WriteSender(client: client, options: options, control: control)
            let rollback = Rollback(client: client, journal: journal, options: options, control: control, progress: progress, sender: sender)
            let failures: [DocumentFailure]
            do {
                failures = try await rollback.run(undoing: target.id, run: &run)
            } catch {
                run.status = error is MigrationAborted ? .aborted : .failed
                run.error = "\(error)"
                try journal.updateRun(run)
                throw error
            }
            run.status = .completed
            run.finishedAt = Date()
            try journal.updateRun(run)
            var undone = target
            undone.status = .rolledBack
            try journal.updateRun(undone)
            for migration in plan.migrations where target.migrationIDs.contains(migration.id) {
                try await registry.write(migration, run: run, status: "rolled-back")
            }
            await lease.release()
            let seconds = options.clock.now() - started
            return RunReport(runID: run.id, kind: .rollback, environment: environment, status: run.status, resumed: resumed,
                             counts: run.counts, durationSeconds: seconds,
                             docsPerSecond: seconds > 0 ? Double(run.counts.processed - before) / seconds : 0,
                             anomalies: [], failures: failures, undoes: target.id)
        } catch {
            await lease.release()
            throw error
        }
    }

    /// The registry, the lease and the journal's recent runs for this environment.
    public func status(_ plan: MigrationPlan) async throws -> StatusReport {
        let registry = MigrationRegistry(client: client)
        var rows: [StatusReport.Registered] = []
        for migration in plan.migrations {
            guard let record = try await registry.record(migration.id) else { continue }
            rows.append(.init(migrationID: migration.id, status: record.status, checksum: record.checksum,
                              checksumMatches: record.checksum == migration.checksum, runID: record.runID,
                              who: record.who, updatedAt: record.updatedAt?.rfc3339))
        }
        let lease = try await LeaseLock(client: client, ttl: options.leaseSeconds, logger: logger).current()
        return StatusReport(environment: environment, projectID: client.projectID, planChecksum: plan.checksum,
                            registry: rows, lease: lease, runs: try journal.runs(environment: environment, limit: 10))
    }

    /// This environment's runs of `kind` on this client's project, newest first.
    func runs(_ kind: RunRecord.Kind) throws -> [RunRecord] {
        try journal.runs(environment: environment, kind: kind, limit: 200).filter { $0.projectID == client.projectID }
    }

    static func newRunID() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return "run-\(formatter.string(from: Date()))-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }
}
