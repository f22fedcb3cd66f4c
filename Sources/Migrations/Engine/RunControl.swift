import Foundation

/// The operator's handle on a running migration or rollback: pause, resume, abort, a new rate.
///
/// The engine calls ``gate()`` before each request; a pause holds new requests (those in flight
/// finish and are journaled), an abort stops at the next gate with the journal and checkpoint
/// consistent, so the same command resumes later.
public actor RunControl {
    public private(set) var isPaused = false
    public private(set) var isAborted = false
    let limiter: PacedRateLimiter
    private let clock: any MigrationClock

    public init(rateLimit: RateLimitPolicy, clock: any MigrationClock = SystemClock()) {
        self.clock = clock
        self.limiter = PacedRateLimiter(policy: rateLimit, clock: clock)
    }

    public func pause() { isPaused = true }
    public func resume() { isPaused = false }
    /// Stops the run at the next request boundary; it can be resumed later by running it again.
    public func abort() { isAborted = true }
    /// Puts a new write rate in force at once.
    public func setRateLimit(_ policy: RateLimitPolicy) async { await limiter.setPolicy(policy) }

    /// Waits while paused; throws ``MigrationAborted`` once aborted.
    func gate() async throws {
        while isPaused && !isAborted {
            try await clock.sleep(seconds: 0.1)
        }
        if isAborted { throw MigrationAborted() }
        try Task.checkCancellation()
    }

    /// Gate, then wait for `count` write permits.
    func admit(_ count: Int) async throws {
        try await gate()
        try await limiter.acquire(count)
    }
}

/// The operator aborted the run; the journal and checkpoint are consistent and it can resume.
public struct MigrationAborted: Error, Sendable, CustomStringConvertible {
    public var description: String { "aborted by the operator; run the same command again to resume from the checkpoint" }
}
