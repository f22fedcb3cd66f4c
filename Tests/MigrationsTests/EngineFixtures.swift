import Firestore
import FirestoreTesting
import Foundation
import XCTest
@testable import Migrations

/// Legacy TradeYa data for engine tests: v0 and v1 trades, an anomaly in every tenth, conversations
/// and notifications, written with batchWrite. Deterministic from the index.
enum EngineFixtures {
    static func trade(_ i: Int) -> [String: Value] {
        var fields: [String: Value] = ["title": .string("Trade \(i)"), "status": "active"]
        let creator = Value.string("user-\(i % 17)")
        switch i % 10 {
        case 0...5:
            fields["creatorId"] = creator
            if i % 3 == 0 { fields["participantId"] = .string("user-\(i % 13 + 100)") }
            fields["offeredSkills"] = ["React", "TypeScript", "React"]
            fields["requestedSkills"] = ["Node.js"]
            fields["createdAt"] = i % 2 == 0 ? .string("2024-03-01T10:00:\(String(format: "%02d", i % 60))Z")
                                             : .timestamp(Timestamp(seconds: 1_700_000_000 + Int64(i)))
        case 6, 7:
            fields["creatorId"] = creator
            fields["skillsOffered"] = [["name": "Swift", "level": "expert"], ["name": "Go", "category": "backend"]]
            fields["skillsWanted"] = [["name": "Rust"], "Kotlin"]
            fields["participants"] = ["creator": creator]
            fields["createdAt"] = .timestamp(Timestamp(seconds: 1_700_000_000 + Int64(i), nanos: 123_456_789))
        case 8:
            fields["creatorId"] = creator
            fields["offeredSkills"] = ["Design"]
            fields["requestedSkills"] = []
            // no createdAt: an anomaly
        default:
            fields["participants"] = ["creator": "user-1"]
            fields["creatorId"] = "user-2"  // conflicting creators: an anomaly
            fields["offeredSkills"] = ["Cooking"]
            fields["requestedSkills"] = ["Baking"]
            fields["createdAt"] = .timestamp(Timestamp(seconds: 1_700_000_000))
        }
        return fields
    }

    static func conversation(_ i: Int) -> [String: Value] {
        ["participants": [["id": .string("u\(i % 5)"), "name": "A"], .string("u\(i % 3 + 10)")],
         "lastMessageAt": .timestamp(Timestamp(seconds: 1_710_000_000 + Int64(i)))]
    }

    static func notification(_ i: Int) -> [String: Value] {
        ["userId": .string("u\(i % 9)"), "createdAt": .timestamp(Timestamp(seconds: 1_720_000_000 + Int64(i))), "body": "hello"]
    }

    /// Writes `trades` trades and a fifth as many conversations and notifications.
    static func seed(_ client: FirestoreClient, trades: Int, others: Int? = nil) async throws {
        var writes: [Write] = []
        for i in 0..<trades { writes.append(.set(String(format: "trades/t%06d", i), trade(i))) }
        for i in 0..<(others ?? trades / 5) {
            writes.append(.set(String(format: "conversations/c%06d", i), conversation(i)))
            writes.append(.set(String(format: "notifications/n%06d", i), notification(i)))
        }
        for chunk in writes.chunked(400) {
            for result in try await client.batchWrite(Array(chunk)) { _ = try result.get() }
        }
    }

    /// Every document of the plan's collections, by name.
    static func snapshot(_ client: FirestoreClient, _ collections: [String]) async throws -> [String: Document] {
        var all: [String: Document] = [:]
        for collection in collections {
            var scan = CollectionScan(reader: client, collection: collection, pageSize: 1000, after: nil)
            while let page = try await scan.next() { for d in page { all[d.name] = d } }
        }
        return all
    }

    static func journal() throws -> UndoJournal {
        try UndoJournal(path: NSTemporaryDirectory() + "engine-tests-\(UUID().uuidString)/journal.sqlite")
    }

    static func engine(_ client: FirestoreClient, _ configure: (inout EngineOptions) -> Void = { _ in }) throws -> MigrationEngine {
        var options = EngineOptions()
        options.progressInterval = 0
        configure(&options)
        return MigrationEngine(client: client, journal: try journal(), environment: "dev", rateLimit: .unlimited, options: options)
    }
}

func XCTAssertIdentical(_ a: [String: Value], _ b: [String: Value], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertTrue(Value.map(a).isIdentical(to: .map(b)), "\(message): \(a) vs \(b)", file: file, line: line)
}
