import Foundation

/// The result of `execute` or `rollback`: what the CLI prints with `--json`.
public struct RunReport: Sendable, Codable, Equatable {
    public var runID: String
    public var kind: RunRecord.Kind
    public var environment: String
    public var status: RunRecord.Status
    /// True when this call continued an earlier run from its checkpoint.
    public var resumed: Bool
    public var counts: RunCounts
    public var durationSeconds: Double
    public var docsPerSecond: Double
    public var anomalies: [AnomalyReport]
    public var failures: [DocumentFailure]
    /// For a rollback, the execute run it undid.
    public var undoes: String?
    /// Critical queries before versus after, when measured (see ``PerformanceBaseline``).
    public var baseline: BaselineComparison?
}

/// What `runbook status` shows for one environment.
public struct StatusReport: Sendable, Codable, Equatable {
    public struct Registered: Sendable, Codable, Equatable {
        public var migrationID: String
        public var status: String
        public var checksum: String
        /// Whether the code's checksum is the recorded one.
        public var checksumMatches: Bool
        public var runID: String
        public var who: String
        public var updatedAt: String?
    }

    public var environment: String
    public var projectID: String
    public var planChecksum: String
    public var registry: [Registered]
    public var lease: Lease?
    public var runs: [RunRecord]
}
