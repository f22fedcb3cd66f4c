import Foundation

/// How a call is retried: exponential backoff with full jitter, for retryable codes only.
///
/// Full jitter (a random wait between zero and the current cap) keeps many concurrent writers that
/// failed together from retrying together, which is what Google's client guidance asks for.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in total, including the first. 1 means no retry.
    public var maxAttempts: Int
    public var initialBackoff: TimeInterval
    public var maxBackoff: TimeInterval
    public var multiplier: Double
    /// Codes retried; by default the transient ones (`FirestoreError.Code.isRetryable`).
    public var retryableCodes: Set<FirestoreError.Code>

    public init(
        maxAttempts: Int = 6, initialBackoff: TimeInterval = 0.1, maxBackoff: TimeInterval = 10, multiplier: Double = 2,
        retryableCodes: Set<FirestoreError.Code> = Set(FirestoreError.Code.allCases.filter(\.isRetryable))
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.multiplier = multiplier
        self.retryableCodes = retryableCodes
    }

    public static let `default` = RetryPolicy()
    public static let none = RetryPolicy(maxAttempts: 1)

    /// Not retried inside a transaction: ABORTED there means the whole transaction must restart.
    public func excluding(_ codes: FirestoreError.Code...) -> RetryPolicy {
        var copy = self
        copy.retryableCodes.subtract(codes)
        return copy
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1).
    public func backoff(afterAttempt attempt: Int) -> TimeInterval {
        let cap = min(maxBackoff, initialBackoff * pow(multiplier, Double(attempt - 1)))
        return cap <= 0 ? 0 : Double.random(in: 0...cap)
    }

    func shouldRetry(_ error: FirestoreError, attempt: Int) -> Bool {
        attempt < maxAttempts && retryableCodes.contains(error.code)
    }
}
