import Firestore
import FirestoreTesting
import Indexes
import XCTest
@testable import Migrations

final class PerformanceBaselineTests: XCTestCase {
    override func setUp() async throws {
        try XCTSkipUnless(FirestoreEmulator.isAvailable, "no Cloud Firestore emulator installed")
    }

    func testCriticalQueriesAreTimedAndRecorded() async throws {
        let client = try await FirestoreEmulator.shared().newClient("baseline")
        try await EngineFixtures.seed(client, trades: 100)
        let file = try CriticalQueryFile.parse("""
            {"queries": [
              {"name": "by-creator", "description": "d", "collection": "trades",
               "where": [{"field": "creatorId", "op": "==", "parameter": "u"}],
               "orderBy": [{"field": "title", "direction": "ASCENDING"}], "limit": 50,
               "parameters": {"u": "user-3"}},
              {"name": "offering", "description": "d", "collection": "trades",
               "where": [{"field": "offeredSkills", "op": "array-contains", "parameter": "s"}],
               "limit": 5, "parameters": {"s": "React"}}
            ]}
            """)
        let events = EventLog()
        let summaries = try await PerformanceBaseline(reader: client).measure(file.queries, runs: 5, progress: events.record)
        XCTAssertEqual(summaries.map(\.query), ["by-creator", "offering"])
        XCTAssertEqual(summaries.map(\.runs), [5, 5])
        // user-3 creates every 17th trade; the anomaly shapes 9 of ten have creatorId user-2.
        let expected = (0..<100).filter { $0 % 17 == 3 && $0 % 10 != 9 }.count
        XCTAssertEqual(summaries[0].resultCount, expected)
        XCTAssertEqual(summaries[1].resultCount, 5)
        for summary in summaries {
            XCTAssertGreaterThan(summary.p50, 0)
            XCTAssertLessThanOrEqual(summary.p50, summary.p95)
        }
        XCTAssertEqual(events.last?.processed, 10)

        let journal = try EngineFixtures.journal()
        try journal.recordBaseline(runID: "r1", label: "before", summaries)
        XCTAssertEqual(try journal.baseline(runID: "r1", label: "before"), summaries)
        XCTAssertNil(try journal.baseline(runID: "r1", label: "after"))
    }
}
