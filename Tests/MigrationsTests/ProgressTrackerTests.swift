import XCTest
@testable import Migrations

final class ProgressTrackerTests: XCTestCase {
    func testRateIsOverTheRecentWindow() throws {
        var tracker = ProgressTracker(phase: .execute, runID: "r", total: 10_000, now: 0, window: 10)
        // 100 docs/s for 20 s, then 1,000 docs/s for 10 s.
        for second in 1...20 { _ = tracker.update(at: Double(second)) { $0.processed += 100 } }
        var last = tracker.progress
        for second in 21...30 { last = tracker.update(at: Double(second)) { $0.processed += 1000 } }
        XCTAssertEqual(last.docsPerSecond, 1000, accuracy: 0.001)
        XCTAssertEqual(last.processed, 12_000)
        // More than the counted total: the total grows, the fraction never passes 100%.
        XCTAssertEqual(last.total, 12_000)
        XCTAssertEqual(last.fractionComplete, 1)
        XCTAssertEqual(last.etaSeconds, 0)
        XCTAssertEqual(last.elapsedSeconds, 30)
    }

    func testETAFromRecentRate() throws {
        var tracker = ProgressTracker(phase: .execute, runID: "r", total: 1000, now: 100, window: 5)
        var p = tracker.progress
        for step in 1...5 { p = tracker.update(at: 100 + Double(step)) { $0.processed += 20; $0.migrated += 20 } }
        XCTAssertEqual(p.docsPerSecond, 20, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(p.etaSeconds), 45, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(p.fractionComplete), 0.1, accuracy: 1e-9)
        // A stall drops the rate to zero within the window and the ETA becomes unknown.
        for step in 6...12 { p = tracker.update(at: 100 + Double(step)) { _ in } }
        XCTAssertEqual(p.docsPerSecond, 0)
        XCTAssertNil(p.etaSeconds)
        XCTAssertTrue(p.line.contains("100/1000"))
    }

    func testEventsRoundTripAsJSON() throws {
        var progress = MigrationProgress(phase: .rollback, runID: "run-1", total: 3)
        progress.processed = 2
        progress.checkpoint = "projects/p/databases/(default)/documents/trades/b"
        let data = try JSONEncoder().encode(progress)
        XCTAssertEqual(try JSONDecoder().decode(MigrationProgress.self, from: data), progress)
    }
}
