import XCTest
@testable import Migrations

final class LeaseDecisionTests: XCTestCase {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func lease(_ run: String, host: String = "h1", pid: Int32 = 100, at: Date? = nil, ttl: TimeInterval = 60) -> Lease {
        Lease(runID: run, holder: "ana", host: host, pid: pid, operation: "execute", acquiredAt: at ?? t0, ttl: ttl)
    }

    func testFreeLeaseIsAcquired() {
        XCTAssertEqual(Lease.decide(existing: nil, candidate: lease("a"), now: t0), .acquire)
    }

    func testALiveHolderIsNeverOvertaken() {
        let held = lease("a")
        let decision = Lease.decide(existing: held, candidate: lease("b", pid: 200), now: t0.addingTimeInterval(59), isProcessAlive: { _ in true })
        XCTAssertEqual(decision, .refuse(holder: held))
        // Even a dead pid does not free it for another run: only expiry does.
        XCTAssertEqual(Lease.decide(existing: held, candidate: lease("b", pid: 200), now: t0.addingTimeInterval(59), isProcessAlive: { _ in false }), .refuse(holder: held))
    }

    func testExpiredLeaseIsTakenOverWithAReason() {
        let held = lease("a")
        guard case .takeOver(let previous, let reason) = Lease.decide(existing: held, candidate: lease("b"), now: t0.addingTimeInterval(60)) else {
            return XCTFail("expected a takeover")
        }
        XCTAssertEqual(previous, held)
        XCTAssertTrue(reason.contains("expired"))
    }

    func testTheSameRunResumesAtOnceWhenItsProcessDied() {
        let held = lease("a", pid: 100)
        let resumed = lease("a", pid: 300)
        guard case .takeOver(_, let reason) = Lease.decide(existing: held, candidate: resumed, now: t0.addingTimeInterval(1), isProcessAlive: { $0 != 100 }) else {
            return XCTFail("expected a takeover")
        }
        XCTAssertTrue(reason.contains("100"))
        // ...but not from another host, where the pid means nothing.
        XCTAssertEqual(Lease.decide(existing: held, candidate: lease("a", host: "h2", pid: 300), now: t0.addingTimeInterval(1), isProcessAlive: { _ in false }), .refuse(holder: held))
        XCTAssertEqual(Lease.decide(existing: held, candidate: held, now: t0), .renew)
    }

    func testProcessExistsForThisProcessOnly() {
        XCTAssertTrue(Lease.processExists(getpid()))
        XCTAssertFalse(Lease.processExists(0))
    }
}
