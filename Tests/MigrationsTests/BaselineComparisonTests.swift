import XCTest
@testable import Migrations

final class BaselineComparisonTests: XCTestCase {
    func testNearestRankPercentiles() {
        let summary = LatencySummary(query: "q", samplesMilliseconds: (1...20).map(Double.init).reversed(), resultCount: 3)
        XCTAssertEqual(summary.p50, 10)
        XCTAssertEqual(summary.p95, 19)
        XCTAssertEqual(summary.runs, 20)
        XCTAssertEqual(LatencySummary.percentile(0.95, of: [4]), 4)
        XCTAssertEqual(LatencySummary.percentile(0.5, of: []), 0)
    }

    func testRegressionOverTwentyPercentRecommendsRollback() {
        let before = [LatencySummary(query: "a", runs: 10, p50: 10, p95: 20, resultCount: 5),
                      LatencySummary(query: "b", runs: 10, p50: 10, p95: 20, resultCount: 5)]
        let fine = [LatencySummary(query: "a", runs: 10, p50: 11, p95: 23.9, resultCount: 5),
                    LatencySummary(query: "b", runs: 10, p50: 9, p95: 18, resultCount: 5)]
        XCTAssertFalse(BaselineComparison(before: before, after: fine).recommendsRollback)
        let slow = [fine[0], LatencySummary(query: "b", runs: 10, p50: 10, p95: 30, resultCount: 5)]
        let comparison = BaselineComparison(before: before, after: slow)
        XCTAssertTrue(comparison.recommendsRollback)
        XCTAssertEqual(comparison.rows.filter(\.regressed).map(\.query), ["b"])
        XCTAssertEqual(comparison.rows[1].p95Change, 0.5, accuracy: 1e-9)
    }

    func testJitterBelowTheNoiseFloorIsNotARegression() {
        let before = [LatencySummary(query: "a", runs: 10, p50: 0.5, p95: 1.0, resultCount: 1)]
        let after = [LatencySummary(query: "a", runs: 10, p50: 0.9, p95: 1.8, resultCount: 1)]
        XCTAssertFalse(BaselineComparison(before: before, after: after).recommendsRollback)
    }

    func testUnmatchedQueriesAreListed() {
        let before = [LatencySummary(query: "a", runs: 1, p50: 1, p95: 1, resultCount: 0)]
        let after = [LatencySummary(query: "z", runs: 1, p50: 1, p95: 1, resultCount: 0)]
        XCTAssertEqual(BaselineComparison(before: before, after: after).unmatched, ["a", "z"])
    }
}
