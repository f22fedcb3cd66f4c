import Foundation

/// Turns counts and clock readings into `MigrationProgress` events with a windowed rate and ETA.
///
/// The rate is taken over the last `window` seconds, not since the start, so a pause or the
/// ramp-up of the rate limiter shows in the ETA within seconds instead of being averaged away.
public struct ProgressTracker: Sendable {
    public private(set) var progress: MigrationProgress
    public let window: Double
    private let start: Double
    private var samples: [(time: Double, processed: Int)] = []

    public init(phase: MigrationPhase, runID: String, total: Int?, now: Double, window: Double = 10) {
        self.progress = MigrationProgress(phase: phase, runID: runID, total: total)
        self.start = now
        self.window = window
        samples.append((now, 0))
    }

    /// Applies a change to the counts and recomputes rate and ETA at `now`.
    public mutating func update(at now: Double, _ change: (inout MigrationProgress) -> Void) -> MigrationProgress {
        change(&progress)
        if let total = progress.total, progress.processed > total {
            // Documents appeared since the count: grow the total rather than report more than 100%.
            progress.total = progress.processed
        }
        samples.append((now, progress.processed))
        let cutoff = now - window
        // Keep one sample at or before the cutoff so the window is always fully covered.
        while samples.count > 2, samples[1].time <= cutoff { samples.removeFirst() }
        let first = samples[0]
        let span = now - first.time
        progress.docsPerSecond = span > 0 ? Double(progress.processed - first.processed) / span : 0
        progress.elapsedSeconds = now - start
        if let total = progress.total {
            let remaining = max(0, total - progress.processed)
            if remaining == 0 {
                progress.etaSeconds = 0
            } else if progress.docsPerSecond > 0 {
                progress.etaSeconds = Double(remaining) / progress.docsPerSecond
            } else {
                progress.etaSeconds = nil
            }
        }
        return progress
    }
}
