import Firestore
import Foundation

/// Runs a plan's `up` transforms against a live database, journaling every write before it is sent.
///
/// Documents are read in `__name__` order a page at a time; each page's changes are journaled in
/// one transaction, sent as batchWrite requests (several in flight, paced by the rate limiter), and
/// the checkpoint moves past the page only once every write of it is acknowledged, failed for good,
/// or found already done. A write that meets an application write (FAILED_PRECONDITION) is re-read
/// and re-transformed, up to a bound.
struct Executor {
    let client: FirestoreClient
    let journal: UndoJournal
    let options: EngineOptions
    let control: RunControl
    let progress: ProgressHandler?

    struct Outcome {
        var anomalies: [AnomalyReport] = []
        var failures: [DocumentFailure] = []
    }

    func run(plan: MigrationPlan, run: inout RunRecord, total: Int?) async throws -> Outcome {
        var tracker = ProgressTracker(phase: .execute, runID: run.id, total: total, now: options.clock.now())
        let carried = run.counts
        _ = tracker.update(at: options.clock.now()) { $0.apply(carried) }
        var lastEmit = -Double.infinity
        var outcome = Outcome()

        for migration in plan.migrations {
            for collection in migration.collections {
                let scope = "\(migration.id)/\(collection)"
                var scan = CollectionScan(reader: client, collection: collection, pageSize: options.pageSize,
                                          after: try journal.checkpoint(runID: run.id, scope: scope))
                var page = try await scan.next()
                while let documents = page {
                    try await control.gate()
                    // Read the next page while this one is written.
                    let reading = scan
                    async let prefetch: (page: [Document]?, scan: CollectionScan) = {
                        var s = reading
                        let p = try await s.next()
                        return (p, s)
                    }()
                    let counts = try await process(documents, migration: migration, runID: run.id, scope: scope, outcome: &outcome)
                    run.counts.add(counts)
                    try journal.updateRun(run)
                    let snapshot = run.counts
                    let limit = await control.limiter.currentLimit()
                    let paused = await control.isPaused
                    let event = tracker.update(at: options.clock.now()) {
                        $0.apply(snapshot)
                        $0.checkpoint = documents.last?.name
                        $0.rateLimit = limit
                        $0.paused = paused
                    }
                    if let progress, options.clock.now() - lastEmit >= options.progressInterval {
                        progress(event)
                        lastEmit = options.clock.now()
                    }
                    let next = try await prefetch
                    scan = next.scan
                    page = next.page
                }
            }
        }
        progress?(tracker.progress)
        return outcome
    }

    /// Migrates one page; returns the counts it adds.
    private func process(_ documents: [Document], migration: Migration, runID: String, scope: String,
                         outcome: inout Outcome) async throws -> RunCounts {
        var counts = RunCounts()
        counts.processed = documents.count
        var toWrite: [(Document, DocumentChange)] = []
        var skipped: [String] = []
        for document in documents {
            switch classify(document, migration: migration, outcome: &outcome) {
            case .skipped: counts.skipped += 1; skipped.append(document.name)
            case .anomaly: counts.anomalies += 1
            case .migrate(let change): toWrite.append((document, change))
            }
        }
        // A document this run wrote before a crash, without seeing the acknowledgement, reads as
        // v2 now: its pending entry becomes applied (with an unknown updateTime).
        try journal.markLandedWithoutAcknowledgement(runID: runID, documents: skipped)

        var acknowledged: [String: String] = [:]
        var attempts: [String: Int] = [:]
        while !toWrite.isEmpty {
            try journal.recordPending(runID: runID, toWrite.map { DocumentImage.entry(for: $0.0, change: $0.1, migrationID: migration.id) })
            let results = try await send(toWrite.map { DocumentImage.write(for: $0.0, change: $0.1) })
            var reread: [String] = []
            var retry: [(Document, DocumentChange)] = []
            var failedNames: [String] = []
            for ((document, change), result) in zip(toWrite, results) {
                switch result {
                case .success(let written):
                    acknowledged[document.name] = written.updateTime?.rfc3339 ?? ""
                    counts.migrated += 1
                case .failure(let error):
                    let attempt = attempts[document.name, default: 1]
                    attempts[document.name] = attempt + 1
                    if attempt >= options.maxAttemptsPerDocument {
                        failedNames.append(document.name)
                        counts.failed += 1
                        outcome.note(DocumentFailure(document: document.name, reason: "gave up after \(attempt) attempts: \(error.code.rawValue): \(error.message)"), limit: options.reportLimit)
                    } else if error.code == .failedPrecondition || error.code == .notFound {
                        counts.conflicts += 1
                        reread.append(document.name)
                    } else if error.code.isRetryable {
                        if error.code == .resourceExhausted { await control.limiter.backOff() }
                        retry.append((document, change))
                    } else {
                        failedNames.append(document.name)
                        counts.failed += 1
                        outcome.note(DocumentFailure(document: document.name, reason: "\(error.code.rawValue): \(error.message)"), limit: options.reportLimit)
                    }
                }
            }
            try journal.markFailed(runID: runID, documents: failedNames)
            toWrite = retry
            guard !reread.isEmpty else { continue }
            // The application wrote these since they were read: transform their new versions.
            let fresh = try await client.batchGet(reread)
            var gone: [String] = []
            for (name, document) in fresh.results {
                guard let document else { gone.append(name); continue }
                switch classify(document, migration: migration, outcome: &outcome) {
                case .skipped: counts.skipped += 1; gone.append(name)
                case .anomaly: counts.anomalies += 1; gone.append(name)
                case .migrate(let change): toWrite.append((document, change))
                }
            }
            // Deleted, already v2 or now an anomaly: nothing of ours was written to them.
            try journal.markFailed(runID: runID, documents: gone)
        }
        try journal.markApplied(runID: runID, acknowledged, checkpoint: documents.last.map { (scope, $0.name) })
        return counts
    }

    private enum Classified { case skipped, anomaly, migrate(DocumentChange) }

    private func classify(_ document: Document, migration: Migration, outcome: inout Outcome) -> Classified {
        switch migration.up(document) {
        case .skipped:
            return .skipped
        case .anomaly(let anomalies):
            for anomaly in anomalies where outcome.anomalies.count < options.reportLimit {
                outcome.anomalies.append(AnomalyReport(document: document.name, migrationID: migration.id, field: anomaly.field, code: anomaly.code, reason: anomaly.reason))
            }
            return .anomaly
        case .migrate(let change):
            return .migrate(change)
        }
    }

    /// Sends writes as batchWrite requests, several in flight, each admitted by the rate limiter.
    func send(_ writes: [Write]) async throws -> [Result<WriteResult, FirestoreError>] {
        let chunks = writes.chunked(options.writesPerRequest)
        var results = [[Result<WriteResult, FirestoreError>]](repeating: [], count: chunks.count)
        try await withThrowingTaskGroup(of: (Int, [Result<WriteResult, FirestoreError>]).self) { group in
            var inFlight = 0
            for (index, chunk) in chunks.enumerated() {
                if inFlight >= options.requestsInFlight, let (done, result) = try await group.next() {
                    results[done] = result
                    inFlight -= 1
                }
                try await control.admit(chunk.count)
                let batch = Array(chunk)
                group.addTask { [client] in (index, try await client.batchWrite(batch)) }
                inFlight += 1
            }
            for try await (done, result) in group { results[done] = result }
        }
        return results.flatMap { $0 }
    }
}

extension Executor.Outcome {
    mutating func note(_ failure: DocumentFailure, limit: Int) {
        if failures.count < limit { failures.append(failure) }
    }
}

extension RunCounts {
    mutating func add(_ other: RunCounts) {
        processed += other.processed
        migrated += other.migrated
        skipped += other.skipped
        conflicts += other.conflicts
        failed += other.failed
        anomalies += other.anomalies
        restored += other.restored
        merged += other.merged
    }
}

extension MigrationProgress {
    mutating func apply(_ counts: RunCounts) {
        processed = counts.processed
        migrated = counts.migrated + counts.restored + counts.merged
        skipped = counts.skipped
        conflicts = counts.conflicts
        failed = counts.failed
        anomalies = counts.anomalies
    }
}
