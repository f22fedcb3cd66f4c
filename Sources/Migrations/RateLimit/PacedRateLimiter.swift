import Foundation

/// Where time comes from, so that pacing, leases and progress are tested without sleeping.
public protocol MigrationClock: Sendable {
    /// Seconds since an arbitrary fixed origin; only differences matter.
    func now() -> Double
    /// Suspends for `seconds`; throws `CancellationError` when the task is cancelled.
    func sleep(seconds: Double) async throws
}

/// The real clock: monotonic time and `Task.sleep`.
public struct SystemClock: MigrationClock {
    public init() {}
    public func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
    public func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return }
        try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
    }
}

/// A `RateLimiter` shared by the writers of one run, which sleeps on the injected clock.
public actor PacedRateLimiter {
    private var limiter: RateLimiter
    private let clock: any MigrationClock

    public init(policy: RateLimitPolicy, clock: any MigrationClock = SystemClock()) {
        self.clock = clock
        self.limiter = RateLimiter(policy: policy, now: clock.now())
    }

    /// Waits until `count` operations may be sent.
    public func acquire(_ count: Int) async throws {
        let delay = limiter.reserve(count, at: clock.now())
        // The reservation is already counted, so sleeping outside the actor's state is safe.
        try await clock.sleep(seconds: delay)
    }

    /// Firestore pushed back (RESOURCE_EXHAUSTED): slow down.
    public func backOff() {
        limiter.backOff(at: clock.now())
    }

    /// A new limit while running.
    public func setPolicy(_ policy: RateLimitPolicy) {
        limiter.setPolicy(policy, at: clock.now())
    }

    /// The limit now in force, nil when unlimited.
    public func currentLimit() -> Double? {
        limiter.currentLimit(at: clock.now())
    }
}
