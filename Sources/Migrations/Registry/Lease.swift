import Foundation

/// Who holds the per-environment migration lease, as stored in the target database.
///
/// Two consoles or two command lines must never migrate one database at once; the lease document
/// carries a heartbeat and an expiry, so a run that died (kill -9, a lost laptop) blocks others only
/// until its lease expires, and whoever takes over logs that it did.
public struct Lease: Sendable, Equatable, Codable {
    /// The run that holds the lease.
    public var runID: String
    /// A person or CI job, for the refusal message.
    public var holder: String
    public var host: String
    public var pid: Int32
    public var operation: String
    public var acquiredAt: Date
    public var heartbeatAt: Date
    public var expiresAt: Date

    public init(runID: String, holder: String, host: String, pid: Int32, operation: String, acquiredAt: Date, ttl: TimeInterval) {
        self.runID = runID
        self.holder = holder
        self.host = host
        self.pid = pid
        self.operation = operation
        self.acquiredAt = acquiredAt
        self.heartbeatAt = acquiredAt
        self.expiresAt = acquiredAt.addingTimeInterval(ttl)
    }

    /// What to do about the lease found in the database.
    public enum Decision: Sendable, Equatable {
        /// Nobody holds it: take it.
        case acquire
        /// It is ours (the same run resuming from this machine): renew it.
        case renew
        /// Its holder is gone: take it over, and say so in the log.
        case takeOver(previous: Lease, reason: String)
        /// Someone else holds it: refuse, naming them.
        case refuse(holder: Lease)
    }

    /// Decides whether `candidate` may take the lease given the `existing` one at `now`.
    ///
    /// An unexpired lease of another run is honoured, with one exception that needs no waiting:
    /// the same run resuming on the same host after its process died (the pid no longer exists),
    /// which is how a crashed command line resumes at once. `isProcessAlive` is injected for tests.
    public static func decide(existing: Lease?, candidate: Lease, now: Date,
                              isProcessAlive: (Int32) -> Bool = Lease.processExists) -> Decision {
        guard let existing else { return .acquire }
        if existing.runID == candidate.runID && existing.host == candidate.host && existing.pid == candidate.pid {
            return .renew
        }
        if existing.expiresAt <= now {
            return .takeOver(previous: existing, reason: "its lease expired at \(existing.expiresAt) without a heartbeat")
        }
        if existing.runID == candidate.runID && existing.host == candidate.host && !isProcessAlive(existing.pid) {
            return .takeOver(previous: existing, reason: "process \(existing.pid) on \(existing.host) that held it no longer exists")
        }
        return .refuse(holder: existing)
    }

    /// Whether a process with this id exists on this machine.
    public static func processExists(_ pid: Int32) -> Bool {
        if pid <= 0 { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    /// The name of this machine, for the lease document.
    public static var currentHost: String {
        ProcessInfo.processInfo.hostName
    }
}
