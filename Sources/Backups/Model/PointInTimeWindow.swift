import Firestore
import Foundation

/// How far back Firestore can still read a past version, which decides whether verify can count
/// documents at the backup's own readTime or only against today's data.
///
/// Firestore keeps one hour of versions; with point-in-time recovery, seven days, but reads older
/// than an hour must then use a whole-minute readTime. Backups read at the server's current time
/// (so they hold what was just written), so past an hour only a backup whose readTime happens to
/// be a whole minute can still be counted at its readTime.
public struct PointInTimeWindow: Sendable, Equatable {
    /// How long versions are kept, in seconds.
    public var retention: TimeInterval
    /// The oldest readable version when the database metadata says so.
    public var earliestVersionTime: Timestamp?
    /// Where these figures come from, for the report.
    public var source: String

    public init(retention: TimeInterval, earliestVersionTime: Timestamp? = nil, source: String) {
        self.retention = retention
        self.earliestVersionTime = earliestVersionTime
        self.source = source
    }

    /// Firestore's default without point-in-time recovery (also what the emulator is treated as).
    public static let oneHour = PointInTimeWindow(
        retention: 3600, source: "Firestore's default one-hour version retention (database metadata not read)")

    /// True when `readTime` can still be read at `now`, with a margin so a verify that starts just
    /// inside the window doesn't fall out of it halfway through.
    public func contains(_ readTime: Timestamp, now: Timestamp, margin: TimeInterval = 120) -> Bool {
        if let earliestVersionTime, readTime < earliestVersionTime { return false }
        let age = now.date.timeIntervalSince(readTime.date)
        let wholeMinute = readTime.nanos == 0 && readTime.seconds % 60 == 0
        let limit = wholeMinute ? retention : min(retention, 3600)
        return age >= 0 && age <= limit - margin
    }
}
