import Firestore
import FirestoreTesting
import XCTest
@testable import Migrations

final class RunControlTests: XCTestCase {
    func testPauseHoldsRequestsUntilResumeAndAbortStopsThem() async throws {
        let control = RunControl(rateLimit: .unlimited, clock: ManualClock())
        await control.pause()
        let passed = Counter()
        let waiting = Task {
            try await control.gate()
            passed.increment()
        }
        for _ in 0..<50 { await Task.yield() }
        XCTAssertEqual(passed.value, 0, "a paused run let a request through")
        await control.resume()
        try await waiting.value
        XCTAssertEqual(passed.value, 1)

        await control.abort()
        do {
            try await control.gate()
            XCTFail("an aborted run let a request through")
        } catch is MigrationAborted {}
    }

    func testANewRateLimitAppliesToTheNextRequest() async throws {
        let clock = ManualClock()
        let control = RunControl(rateLimit: .unlimited, clock: clock)
        try await control.admit(10_000)
        XCTAssertEqual(clock.slept.last ?? 0, 0)
        await control.setRateLimit(.fixed(opsPerSecond: 100))
        try await control.admit(300)
        XCTAssertEqual(try XCTUnwrap(clock.slept.last), 3, accuracy: 1e-9)
    }

    func testAnExpiredLeaseOfACrashedRunIsTakenOver() async throws {
        try XCTSkipUnless(FirestoreEmulator.isAvailable, "no Cloud Firestore emulator installed")
        let client = try await FirestoreEmulator.shared().newClient("expired")
        // A run on another machine died an hour ago without releasing its lease.
        var dead = Lease(runID: "run-crashed", holder: "ben", host: "elsewhere", pid: 1, operation: "execute",
                         acquiredAt: Date().addingTimeInterval(-3600), ttl: 30)
        dead.heartbeatAt = dead.acquiredAt
        _ = try await client.commit([Write.set(LeaseLock.path, LeaseLock.fields(dead))])
        let lock = LeaseLock(client: client, ttl: 30)
        try await lock.acquire(runID: "run-new", who: "ana", operation: "execute")
        let current = try await lock.current()
        XCTAssertEqual(current?.runID, "run-new")
        await lock.release()
        let released = try await lock.current()
        XCTAssertNil(released)

        // A live one is refused.
        let live = LeaseLock(client: client, ttl: 30)
        try await live.acquire(runID: "run-live", who: "ben", operation: "execute")
        do {
            try await lock.acquire(runID: "run-other", who: "ana", operation: "rollback")
            XCTFail("a live lease was taken")
        } catch let error as RefusedError {
            XCTAssertTrue(error.message.contains("run-live"), error.message)
        }
        await live.release()
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func increment() { lock.withLock { count += 1 } }
}
