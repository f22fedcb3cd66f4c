import Firestore
import Foundation

/// Runs a plan's `up` transforms against a live database, journaling every write before it is sent.
///
/// Documents are read in `__name__` order a page at a time; each page's changes are journaled in
/// one transaction, sent as batchWrite requests (several in flight, paced by the rate limiter), each
/// acknowledgement journaled as it arrives, and the checkpoint (with the run's counts, in one
/// transaction) moves past the page only once every write of it is acknowledged, failed for good,
/// or found already done. A write that meets an application write (FAILED_PRECONDITION) is re-read
/// and re-transformed, up to a bound. An abort lets the requests in flight land and journals them;
/// the page is then finished by the resumed run.
struct Executor {
    let client: FirestoreClient
    let journal: UndoJournal
    let options: EngineOptions
    let control: RunControl
    let progress: ProgressHandler?
    var sender: WriteSender { WriteSender(client: client, options: options, control: control) }

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
                var scan = CollectionScan(reader: client, collection: collection, pageSize: options.readPageSize,
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
                    // Reads are large (few queries: the emulator scans the whole collection for
                    // each one); writes and checkpoints go a smaller page at a time.
                    for chunk in documents.chunked(options.pageSize) {
                        try await control.gate()
                        let counts = try await process(Array(chunk), migration: migration, runID: run.id, outcome: &outcome)
                        run.counts.add(counts)
                        if let last = chunk.last {
                            try journal.completePage(run, scope: scope, after: last.name)
                        }
                        let snapshot = run.counts
                        let limit = await control.limiter.currentLimit()
                        let paused = await control.isPaused
                        let event = tracker.update(at: options.clock.now()) {
                            $0.apply(snapshot)
                            $0.checkpoint = chunk.last?.name
                            $0.rateLimit = limit
                            $0.paused = paused
                        }
                        if let progress, options.clock.now() - lastEmit >= options.progressInterval {
                            progress(event)
                            lastEmit = options.clock.now()
                        }
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
    private func process(_ documents: [Document], migration: Migration, runID: String,
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
        // A document this run already wrote (before a crash, or before an abort in the middle of
        // this page) reads as v2 now: it counts as migrated, as it would have had the page ended.
        // A pending entry among them lost its acknowledgement: it becomes applied with an unknown
        // updateTime, and rollback takes the careful path for it.
        let ours = try journal.entries(runID: runID, documents: skipped)
        var landed: [String] = []
        for (name, entry) in ours where entry.state == .pending || entry.state == .applied {
            counts.skipped -= 1
            counts.migrated += 1
            if entry.state == .pending { landed.append(name) }
        }
        try journal.markLandedWithoutAcknowledgement(runID: runID, documents: landed)

        var attempts: [String: Int] = [:]
        while !toWrite.isEmpty {
            try journal.recordPending(runID: runID, toWrite.map { DocumentImage.entry(for: $0.0, change: $0.1, migrationID: migration.id) })
            let batch = toWrite
            let sent = try await sender.send(batch.map { DocumentImage.write(for: $0.0, change: $0.1) }) { range, results in
                var acknowledged: [String: String] = [:]
                for (index, result) in zip(range, results) {
                    if case .success(let written) = result { acknowledged[batch[index].0.name] = written.updateTime?.rfc3339 ?? "" }
                }
                try journal.markApplied(runID: runID, acknowledged)
            }
            var unsent: [String] = []
            var reread: [String] = []
            var retry: [(Document, DocumentChange)] = []
            var failedNames: [String] = []
            for ((document, change), result) in zip(toWrite, sent.results) {
                switch result {
                case nil:
                    unsent.append(document.name)
                case .success:
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
            if sent.aborted {
                // Never sent, or not applied and not to be retried now: the resumed run reads
                // these documents again and journals them afresh.
                try journal.markFailed(runID: runID, documents: unsent + reread + retry.map(\.0.name))
                throw MigrationAborted()
            }
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
