import Foundation

/// A token bucket that follows a `RateLimitPolicy`, as a value type driven by an injected time.
///
/// It hands out delays rather than sleeping, so every rule (ramp-up, backoff, a new limit while
/// running) is tested with plain numbers. `PacedRateLimiter` adds the clock and the sleeping.
public struct RateLimiter: Sendable {
    /// The policy now in force.
    public private(set) var policy: RateLimitPolicy
    /// When the current policy (or the ramp after a backoff) started, in the clock's seconds.
    public private(set) var policyStart: Double
    /// Never back off below this many operations per second.
    public var floor: Double
    private var tokens: Double
    private var lastRefill: Double
    /// Operations granted over the last second, to learn the real rate when the policy is unlimited.
    private var recentGrants: [(time: Double, count: Int)] = []

    public init(policy: RateLimitPolicy, now: Double, floor: Double = 10) {
        self.policy = policy
        self.policyStart = now
        self.floor = floor
        self.lastRefill = now
        self.tokens = policy.limit(afterSeconds: 0) ?? 0
    }

    /// The limit in force at `now`, nil when unlimited.
    public func currentLimit(at now: Double) -> Double? {
        policy.limit(afterSeconds: now - policyStart)
    }

    /// Reserves `count` operations and returns how many seconds the caller must wait before sending them.
    ///
    /// Reservations queue: a second caller waits behind the first, so requests in flight together
    /// never exceed the rate. The bucket holds at most one second of operations, so an idle pause
    /// cannot build up a burst.
    public mutating func reserve(_ count: Int, at now: Double) -> Double {
        recentGrants.append((now, count))
        recentGrants.removeAll { $0.time < now - 1 }
        guard let rate = currentLimit(at: now), rate > 0 else { return 0 }
        let elapsed = max(0, now - lastRefill)
        tokens = min(rate, tokens + elapsed * rate)
        lastRefill = max(lastRefill, now)
        tokens -= Double(count)
        return tokens >= 0 ? 0 : -tokens / rate
    }

    /// Firestore answered RESOURCE_EXHAUSTED: halve the rate and ramp up again from there.
    ///
    /// With an unlimited policy the rate actually achieved over the last second is halved, so the
    /// emulator (or a database without limits configured) still gets relief.
    public mutating func backOff(at now: Double) {
        let observed = Double(recentGrants.filter { $0.time >= now - 1 }.reduce(0) { $0 + $1.count })
        let current = currentLimit(at: now) ?? max(observed, floor * 2)
        let reduced = max(floor, current / 2)
        switch policy {
        case .rampUp(_, let growth, let step, let maximum):
            policy = .rampUp(initial: reduced, growth: growth, stepSeconds: step, maximum: maximum)
        case .fixed(let rate):
            policy = .rampUp(initial: reduced, growth: 1.5, stepSeconds: 300, maximum: rate)
        case .unlimited:
            policy = .rampUp(initial: reduced, growth: 1.5, stepSeconds: 300, maximum: nil)
        }
        policyStart = now
        lastRefill = now
        tokens = min(tokens, 0)
    }

    /// Puts a new policy in force at once (an operator changed the limit while the run goes on).
    public mutating func setPolicy(_ newPolicy: RateLimitPolicy, at now: Double) {
        policy = newPolicy
        policyStart = now
        lastRefill = now
        tokens = min(tokens, newPolicy.limit(afterSeconds: 0) ?? 0)
    }
}
