import Foundation

/// Which long operation a progress event belongs to.
public enum MigrationPhase: String, Sendable, Codable {
    case dryRun = "dry-run"
    case execute
    case validate
    case rollback
    case baseline
}

/// One progress event of a long operation, as the console shows it live and the CLI on stderr.
///
/// Counts are cumulative for the run. `fractionComplete` and `etaSeconds` derive from the total a
/// count aggregation gave at the start; documents created since can make `processed` exceed it,
/// so the fraction is clamped to 1 instead of promising 104%.
public struct MigrationProgress: Sendable, Codable, Equatable {
    public var phase: MigrationPhase
    public var runID: String
    /// Documents expected, from a count aggregation at the start; nil until it is known.
    public var total: Int?
    public var processed: Int = 0
    public var migrated: Int = 0
    public var skipped: Int = 0
    /// Writes that met an application write (FAILED_PRECONDITION) and were re-read.
    public var conflicts: Int = 0
    public var failed: Int = 0
    public var anomalies: Int = 0
    /// Documents per second over the recent window, not since the start.
    public var docsPerSecond: Double = 0
    public var etaSeconds: Double?
    public var elapsedSeconds: Double = 0
    /// The last document name every write before which Firestore acknowledged.
    public var checkpoint: String?
    /// The write rate limit in force, nil when unlimited.
    public var rateLimit: Double?
    public var paused: Bool = false

    public init(phase: MigrationPhase, runID: String, total: Int? = nil) {
        self.phase = phase
        self.runID = runID
        self.total = total
    }

    /// Processed over total, never above 1; nil while the total is unknown.
    public var fractionComplete: Double? {
        guard let total else { return nil }
        guard total > 0 else { return 1 }
        return min(1, Double(processed) / Double(total))
    }

    /// A one-line human summary for a terminal.
    public var line: String {
        var parts = ["\(phase.rawValue) \(processed)" + (total.map { "/\($0)" } ?? "")]
        if let fraction = fractionComplete { parts[0] += String(format: " (%.1f%%)", fraction * 100) }
        parts.append("migrated \(migrated)")
        parts.append("skipped \(skipped)")
        if conflicts > 0 { parts.append("conflicts \(conflicts)") }
        if failed > 0 { parts.append("failed \(failed)") }
        if anomalies > 0 { parts.append("anomalies \(anomalies)") }
        parts.append(String(format: "%.0f docs/s", docsPerSecond))
        if let eta = etaSeconds { parts.append(String(format: "ETA %.0fs", eta)) }
        if paused { parts.append("PAUSED") }
        return parts.joined(separator: " · ")
    }
}

/// Receives progress events; called from the engine's task, so it must be quick.
public typealias ProgressHandler = @Sendable (MigrationProgress) -> Void
