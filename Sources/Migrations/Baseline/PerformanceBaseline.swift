import Firestore
import Foundation
import GRDB
import Indexes

/// Times the application's critical queries (critical-queries.json) against one database.
///
/// Each query runs `runs` times after one warm-up; p50/p95 come from the raw samples. Measured
/// before a migration and again after it, the two are compared by ``BaselineComparison``: a query
/// more than 20% slower is a recommendation to roll back (a missing or still-building index is the
/// usual cause).
public struct PerformanceBaseline: Sendable {
    public let reader: any FirestoreReading
    public let clock: any MigrationClock

    public init(reader: any FirestoreReading, clock: any MigrationClock = SystemClock()) {
        self.reader = reader
        self.clock = clock
    }

    public func measure(_ queries: [CriticalQuery], runs: Int = 10, progress: ProgressHandler? = nil) async throws -> [LatencySummary] {
        var summaries: [LatencySummary] = []
        var tracker = ProgressTracker(phase: .baseline, runID: "baseline", total: queries.count * runs, now: clock.now())
        for query in queries {
            let structured = try query.structuredQuery()
            var resultCount = try await reader.runQuery(structured, parent: "", readTime: nil).documents.count  // warm-up
            var samples: [Double] = []
            for _ in 0..<max(1, runs) {
                let start = clock.now()
                resultCount = try await reader.runQuery(structured, parent: "", readTime: nil).documents.count
                samples.append((clock.now() - start) * 1000)
                let event = tracker.update(at: clock.now()) { $0.processed += 1 }
                progress?(event)
            }
            summaries.append(LatencySummary(query: query.name, samplesMilliseconds: samples, resultCount: resultCount))
        }
        return summaries
    }
}

extension UndoJournal {
    /// Stores a baseline measurement (`label` is `before` or `after`) for an execute run.
    public func recordBaseline(runID: String, label: String, _ summaries: [LatencySummary]) throws {
        let json = try Self.encode(summaries)
        try writer.write { db in
            try db.execute(sql: "INSERT INTO baselines(run_id, label, json) VALUES (?, ?, ?) ON CONFLICT(run_id, label) DO UPDATE SET json = excluded.json",
                           arguments: [runID, label, json])
        }
    }

    /// The baseline recorded for a run, if any.
    public func baseline(runID: String, label: String) throws -> [LatencySummary]? {
        try writer.read { db in
            try String.fetchOne(db, sql: "SELECT json FROM baselines WHERE run_id = ? AND label = ?", arguments: [runID, label])
        }.map { try Self.decode([LatencySummary].self, $0) }
    }
}
