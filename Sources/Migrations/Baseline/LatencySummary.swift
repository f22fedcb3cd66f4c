import Foundation

/// p50 and p95 of one critical query's latencies, in milliseconds.
public struct LatencySummary: Sendable, Codable, Equatable {
    public var query: String
    public var runs: Int
    public var p50: Double
    public var p95: Double
    /// Documents the query returned on its last run (a changed count is as telling as a slower one).
    public var resultCount: Int

    public init(query: String, runs: Int, p50: Double, p95: Double, resultCount: Int) {
        self.query = query
        self.runs = runs
        self.p50 = p50
        self.p95 = p95
        self.resultCount = resultCount
    }

    /// Summarizes raw samples with the nearest-rank percentile (no interpolation, so a p95 is a
    /// latency that really happened).
    public init(query: String, samplesMilliseconds samples: [Double], resultCount: Int) {
        let sorted = samples.sorted()
        self.init(query: query, runs: sorted.count,
                  p50: Self.percentile(0.50, of: sorted), p95: Self.percentile(0.95, of: sorted), resultCount: resultCount)
    }

    /// Nearest-rank percentile of already sorted values; 0 for no values.
    public static func percentile(_ p: Double, of sorted: [Double]) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count, max(1, rank)) - 1]
    }
}

/// Before versus after a migration for every critical query.
public struct BaselineComparison: Sendable, Codable, Equatable {
    public struct Row: Sendable, Codable, Equatable {
        public var query: String
        public var before: LatencySummary
        public var after: LatencySummary
        /// after.p95 / before.p95 - 1, e.g. 0.25 for 25% slower.
        public var p95Change: Double
        public var p50Change: Double
        public var regressed: Bool
    }

    public var rows: [Row]
    /// The allowed slowdown, 0.2 for 20%.
    public var threshold: Double
    /// Queries measured before but missing after (or the reverse): a baseline that cannot be compared.
    public var unmatched: [String]

    /// True when any query slowed down past the threshold: the runbook recommends a rollback.
    public var recommendsRollback: Bool { rows.contains(where: \.regressed) }

    /// Compares two baselines query by query.
    ///
    /// Sub-millisecond latencies jitter by more than 20% on their own, so a change also has to
    /// exceed `noiseFloorMilliseconds` in absolute terms before it counts as a regression.
    public init(before: [LatencySummary], after: [LatencySummary], threshold: Double = 0.2, noiseFloorMilliseconds: Double = 2) {
        self.threshold = threshold
        var rows: [Row] = []
        var unmatched: [String] = []
        let afterByQuery = Dictionary(after.map { ($0.query, $0) }, uniquingKeysWith: { first, _ in first })
        for old in before {
            guard let new = afterByQuery[old.query] else { unmatched.append(old.query); continue }
            let p95Change = Self.change(old.p95, new.p95)
            let p50Change = Self.change(old.p50, new.p50)
            let slower = (p95Change > threshold && new.p95 - old.p95 > noiseFloorMilliseconds)
                || (p50Change > threshold && new.p50 - old.p50 > noiseFloorMilliseconds)
            rows.append(Row(query: old.query, before: old, after: new, p95Change: p95Change, p50Change: p50Change, regressed: slower))
        }
        let beforeNames = Set(before.map(\.query))
        unmatched += after.map(\.query).filter { !beforeNames.contains($0) }
        self.rows = rows
        self.unmatched = unmatched
    }

    private static func change(_ old: Double, _ new: Double) -> Double {
        old > 0 ? new / old - 1 : (new > 0 ? .infinity : 0)
    }
}
