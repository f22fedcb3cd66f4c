import Firestore
import XCTest
@testable import Indexes

final class CriticalQueryFileTests: XCTestCase {
    func testShippedQueriesLoadWithSampleValues() throws {
        let file = try CriticalQueryFile.load(path: RepoFiles.queriesFilePath)
        XCTAssertEqual(file.queries.map(\.name), [
            "trades-by-creator-status", "trades-by-participant-status", "trades-offering-skill",
            "conversations-inbox", "notifications-unread"])
        let unread = file.queries[4]
        XCTAssertEqual(unread.filters[1], .init("read", .equal, .value(.boolean(false))))
        XCTAssertEqual(try unread.resolvedValue(of: unread.filters[0]), .string("user-123"))
        XCTAssertEqual(try unread.resolvedValue(of: unread.filters[0], overrides: ["userId": .string("u9")]), .string("u9"))
        XCTAssertEqual(unread.summary, "notifications where userId == ?userId, read == false order by createdAt DESC limit 50")
    }

    func testTypedSampleValuesUseFirestoreRESTForm() throws {
        let text = """
        {"queries": [{"name": "recent", "collection": "trades",
          "where": [{"field": "createdAt", "op": ">=", "parameter": "since"}],
          "parameters": {"since": {"timestampValue": "2024-03-01T10:00:00Z"}}}]}
        """
        let query = try CriticalQueryFile.parse(text).queries[0]
        XCTAssertEqual(query.parameters["since"], .timestamp(try Timestamp(rfc3339: "2024-03-01T10:00:00Z")))
    }

    func testProblemsNameLineAndQuery() {
        let text = """
        {"queries": [
          {"name": "a", "collection": "trades", "where": [{"field": "status", "op": "=", "value": "x"}]},
          {"name": "b", "collection": "trades", "where": [{"field": "status", "op": "==", "parameter": "s"}]},
          {"name": "a", "collection": "trades"},
          {"name": "c", "collection": "trades", "orderBy": [{"field": "createdAt", "direction": "DOWN"}]},
          {"name": "d", "collection": "trades", "where": [{"field": "tags", "op": "in", "value": "x"}]}
        ]}
        """
        do {
            _ = try CriticalQueryFile.parse(text)
            XCTFail("expected errors")
        } catch {
            XCTAssertEqual(error.issues.map(\.line), [2, 3, 5, 6])
            XCTAssertEqual(error.issues.map(\.rule), [.unknownEnumValue, .missingKey, .unknownOrder, .wrongType])
            XCTAssertTrue(error.issues[0].description.hasPrefix("critical-queries.json:2:"), error.issues[0].description)
            XCTAssertTrue(error.issues[1].subject.hasPrefix("query #2 (b)"))
        }
        // The duplicate name is reported once the other queries are valid.
        let duplicate = "{\"queries\": [{\"name\": \"a\", \"collection\": \"t\"},\n{\"name\": \"a\", \"collection\": \"t\"}]}"
        XCTAssertThrowsError(try CriticalQueryFile.parse(duplicate)) { error in
            XCTAssertEqual((error as? IndexFileError)?.issues.map(\.line), [2])
        }
    }
}
