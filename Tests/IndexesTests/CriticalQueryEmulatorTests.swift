import Firestore
import FirestoreTesting
import XCTest
@testable import Indexes

/// The critical queries converted to `StructuredQuery` run on the real emulator and return what
/// the application expects (the emulator does not enforce indexes; coverage is checked separately).
final class CriticalQueryEmulatorTests: XCTestCase {
    func testEveryCriticalQueryRunsAndReturnsTheRightDocumentsInOrder() async throws {
        try XCTSkipUnless(FirestoreEmulator.isAvailable, "no Firestore emulator installed")
        let emulator = try await FirestoreEmulator.shared()
        let client = emulator.newClient("critical-queries")
        func time(_ seconds: Int64) -> Value { .timestamp(Timestamp(seconds: 1_700_000_000 + seconds)) }
        _ = try await client.commit([
            .set("trades/t1", ["participants": .map(["creator": .string("user-123"), "participant": .string("user-456")]),
                               "status": .string("active"), "skillsOffered": .array([.string("React")]), "createdAt": time(1)]),
            .set("trades/t2", ["participants": .map(["creator": .string("user-123")]),
                               "status": .string("active"), "skillsOffered": .array([.string("Go"), .string("React")]), "createdAt": time(3)]),
            .set("trades/t3", ["participants": .map(["creator": .string("user-123")]),
                               "status": .string("closed"), "skillsOffered": .array([.string("React")]), "createdAt": time(2)]),
            .set("trades/t4", ["participants": .map(["creator": .string("user-999"), "participant": .string("user-456")]),
                               "status": .string("active"), "skillsOffered": .array([.string("Swift")]), "createdAt": time(4)]),
            .set("conversations/c1", ["participantIds": .array([.string("user-123"), .string("user-456")]), "updatedAt": time(5)]),
            .set("conversations/c2", ["participantIds": .array([.string("user-123")]), "updatedAt": time(9)]),
            .set("conversations/c3", ["participantIds": .array([.string("user-777")]), "updatedAt": time(7)]),
            .set("notifications/n1", ["userId": .string("user-123"), "read": .boolean(false), "createdAt": time(1)]),
            .set("notifications/n2", ["userId": .string("user-123"), "read": .boolean(true), "createdAt": time(2)]),
            .set("notifications/n3", ["userId": .string("user-123"), "read": .boolean(false), "createdAt": time(3)]),
            .set("notifications/n4", ["userId": .string("user-456"), "read": .boolean(false), "createdAt": time(4)]),
        ])
        let expected = [
            "trades-by-creator-status": ["t2", "t1"],
            "trades-by-participant-status": ["t4", "t1"],
            "trades-offering-skill": ["t2", "t1"],
            "conversations-inbox": ["c2", "c1"],
            "notifications-unread": ["n3", "n1"],
        ]
        let queries = try CriticalQueryFile.load(path: RepoFiles.queriesFilePath).queries
        for query in queries {
            let result = try await client.runQuery(try query.structuredQuery())
            XCTAssertEqual(result.documents.map(\.id), expected[query.name], query.name)
        }
        let other = try queries[0].structuredQuery(parameters: ["status": .string("closed")])
        let closed = try await client.runQuery(other)
        XCTAssertEqual(closed.documents.map(\.id), ["t3"])
    }

    func testMissingParameterIsAClearError() {
        let query = CriticalQuery(name: "q", collection: "trades", filters: [.init("status", .equal, .parameter("s"))])
        XCTAssertThrowsError(try query.structuredQuery()) { error in
            XCTAssertEqual((error as? CriticalQueryError)?.reason, "no value for parameter \"s\": add it to \"parameters\" or pass it")
        }
    }
}
