import Foundation

/// How fast a migration may write to one environment.
///
/// Production databases follow Firestore's 500/50/5 rule: start at 500 operations per second and
/// raise the rate by 50% every 5 minutes, so that Firestore has time to split hot key ranges before
/// the load arrives. The emulator has no such limits, so it is `.unlimited` unless configured.
public enum RateLimitPolicy: Sendable, Equatable, Codable {
    /// No pacing at all (the emulator, or a test).
    case unlimited
    /// A constant number of operations per second.
    case fixed(opsPerSecond: Double)
    /// Start at `initial` and multiply by `growth` every `stepSeconds`, never above `maximum`.
    case rampUp(initial: Double, growth: Double, stepSeconds: Double, maximum: Double?)

    /// Firestore's documented ramp-up: 500 ops/s, +50% every 5 minutes.
    public static let firestoreRampUp = RateLimitPolicy.rampUp(initial: 500, growth: 1.5, stepSeconds: 300, maximum: nil)

    /// The limit in operations per second `elapsed` seconds after the policy took effect; nil means unlimited.
    public func limit(afterSeconds elapsed: Double) -> Double? {
        switch self {
        case .unlimited:
            return nil
        case .fixed(let rate):
            return rate
        case .rampUp(let initial, let growth, let step, let maximum):
            let steps = step > 0 ? (max(0, elapsed) / step).rounded(.down) : 0
            // Cap the exponent so a run of days cannot overflow to infinity.
            let raised = initial * pow(growth, min(steps, 200))
            return maximum.map { min($0, raised) } ?? raised
        }
    }

    /// The most this policy will ever allow, used to estimate a duration; nil means unbounded.
    public var ceiling: Double? {
        switch self {
        case .unlimited: nil
        case .fixed(let rate): rate
        case .rampUp(_, _, _, let maximum): maximum
        }
    }

    /// Seconds needed to perform `operations` under this policy, starting now; nil when unlimited.
    ///
    /// Used by the dry-run to estimate how long the real run will take under the ramp-up.
    public func estimatedSeconds(forOperations operations: Int) -> Double? {
        guard operations > 0 else { return 0 }
        switch self {
        case .unlimited:
            return nil
        case .fixed(let rate):
            return Double(operations) / rate
        case .rampUp(_, _, let step, _):
            var remaining = Double(operations)
            var elapsed = 0.0
            // Walk the ramp one step at a time; 400 steps is over a day and covers any real run.
            for _ in 0..<400 {
                guard let rate = limit(afterSeconds: elapsed) else { return nil }
                let capacity = rate * step
                if remaining <= capacity { return elapsed + remaining / rate }
                remaining -= capacity
                elapsed += step
            }
            return elapsed + remaining / (limit(afterSeconds: elapsed) ?? 1)
        }
    }
}
