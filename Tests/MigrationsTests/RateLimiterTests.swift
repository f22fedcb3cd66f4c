import XCTest
@testable import Migrations

final class RateLimiterTests: XCTestCase {
    func testRampUpFollowsFiveHundredFiftyFive() {
        let policy = RateLimitPolicy.firestoreRampUp
        XCTAssertEqual(policy.limit(afterSeconds: 0), 500)
        XCTAssertEqual(policy.limit(afterSeconds: 299.9), 500)
        XCTAssertEqual(policy.limit(afterSeconds: 300), 750)
        XCTAssertEqual(policy.limit(afterSeconds: 600), 1125)
        XCTAssertEqual(RateLimitPolicy.rampUp(initial: 500, growth: 1.5, stepSeconds: 300, maximum: 1000).limit(afterSeconds: 900), 1000)
        XCTAssertNil(RateLimitPolicy.unlimited.limit(afterSeconds: 5))
    }

    func testEstimateUnderRampUp() throws {
        // 150,000 ops in the first 5 minutes at 500/s, then 750/s: 300,000 ops take 300 + 150,000/750 = 500 s.
        let seconds = try XCTUnwrap(RateLimitPolicy.firestoreRampUp.estimatedSeconds(forOperations: 300_000))
        XCTAssertEqual(seconds, 500, accuracy: 0.001)
        XCTAssertEqual(RateLimitPolicy.fixed(opsPerSecond: 100).estimatedSeconds(forOperations: 1000), 10)
        XCTAssertNil(RateLimitPolicy.unlimited.estimatedSeconds(forOperations: 1000))
    }

    func testReservationsPaceAtTheLimit() {
        var limiter = RateLimiter(policy: .fixed(opsPerSecond: 100), now: 0)
        // One second of burst is available at the start, then each 100 ops cost one more second.
        XCTAssertEqual(limiter.reserve(100, at: 0), 0)
        XCTAssertEqual(limiter.reserve(100, at: 0), 1, accuracy: 1e-9)
        XCTAssertEqual(limiter.reserve(100, at: 0), 2, accuracy: 1e-9)
        // Time passing pays the debt off: at 2.5 s, 250 ops of credit against 200 owed leave 50.
        XCTAssertEqual(limiter.reserve(150, at: 2.5), 1, accuracy: 1e-9)
    }

    func testSimulatedRunNeverExceedsTheRamp() {
        // Simulate writers sending batches of 50 as soon as allowed, for 11 minutes of clock time.
        var limiter = RateLimiter(policy: .firestoreRampUp, now: 0)
        var now = 0.0
        var sent: [(Double, Int)] = []
        while now < 660 {
            let wait = limiter.reserve(50, at: now)
            now += wait
            sent.append((now, 50))
        }
        func sentBetween(_ a: Double, _ b: Double) -> Int { sent.filter { $0.0 >= a && $0.0 < b }.reduce(0) { $0 + $1.1 } }
        // In steady state each second carries the limit (plus at most one batch of slack and the one-second burst).
        XCTAssertLessThanOrEqual(sentBetween(100, 110), 5000 + 50)
        XCTAssertGreaterThanOrEqual(sentBetween(100, 110), 5000 - 50)
        XCTAssertLessThanOrEqual(sentBetween(400, 410), 7500 + 50)
        XCTAssertGreaterThanOrEqual(sentBetween(400, 410), 7500 - 50)
        XCTAssertGreaterThanOrEqual(sentBetween(620, 630), 11250 - 50)
    }

    func testBackOffHalvesAndRampsAgain() {
        var limiter = RateLimiter(policy: .firestoreRampUp, now: 0)
        XCTAssertEqual(limiter.currentLimit(at: 700), 1125)
        limiter.backOff(at: 700)
        XCTAssertEqual(limiter.currentLimit(at: 700), 562.5)
        XCTAssertEqual(limiter.currentLimit(at: 1000), 843.75)
        // Repeated backoffs stop at the floor.
        for _ in 0..<20 { limiter.backOff(at: 1000) }
        XCTAssertEqual(limiter.currentLimit(at: 1000), limiter.floor)
    }

    func testBackOffWhenUnlimitedUsesTheObservedRate() {
        var limiter = RateLimiter(policy: .unlimited, now: 0)
        for i in 0..<10 { XCTAssertEqual(limiter.reserve(400, at: 10 + Double(i) * 0.1), 0) }
        limiter.backOff(at: 11)
        // 4,000 ops went out in the last second: the new limit is half of that.
        XCTAssertEqual(limiter.currentLimit(at: 11), 2000)
    }

    func testNewLimitWhileRunning() {
        var limiter = RateLimiter(policy: .fixed(opsPerSecond: 1000), now: 0)
        _ = limiter.reserve(1000, at: 0)
        limiter.setPolicy(.fixed(opsPerSecond: 10), at: 0)
        XCTAssertEqual(limiter.reserve(10, at: 0), 1, accuracy: 1e-9)
        limiter.setPolicy(.unlimited, at: 1)
        XCTAssertEqual(limiter.reserve(1_000_000, at: 1), 0)
    }

    func testPacedLimiterSleepsOnTheInjectedClock() async throws {
        let clock = ManualClock()
        let paced = PacedRateLimiter(policy: .fixed(opsPerSecond: 10), clock: clock)
        try await paced.acquire(10)
        try await paced.acquire(20)
        XCTAssertEqual(clock.slept, [0, 2])
        await paced.setPolicy(.unlimited)
        let limit = await paced.currentLimit()
        XCTAssertNil(limit)
    }
}

/// A clock that only moves when told (or when something sleeps on it).
final class ManualClock: MigrationClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Double = 0
    private var sleeps: [Double] = []

    var slept: [Double] { lock.withLock { sleeps } }
    func now() -> Double { lock.withLock { current } }
    func advance(_ seconds: Double) { lock.withLock { current += seconds } }
    func sleep(seconds: Double) async throws {
        lock.withLock {
            sleeps.append(seconds)
            current += max(0, seconds)
        }
    }
}
