import Foundation
import XCTest
import Firestore
import FirestoreTesting
@testable import Migrations

/// Seeding the real emulator: every document arrives, reseeding with the same seed is idempotent,
/// and the dry-run view of the migration finds exactly the seeded anomalies.
final class SeedEmulatorTests: XCTestCase {
    func testSeedWritesEveryDocumentAndTheMigrationFindsTheSeededAnomalies() async throws {
        let client = try await FirestoreEmulator.shared().newClient("seed")
        let generator = LegacyDataGenerator(seed: 77, anomalyEvery: 20)
        let seeder = LegacySeeder(generator: generator, batchSize: 100, concurrency: 3)
        let counts: [SeedCollection: Int] = [.trades: 450, .conversations: 120, .notifications: 130]
        let updates = ProgressLog()
        let summary = try await seeder.seed(into: client, counts: counts) { updates.append($0) }
        XCTAssertEqual(summary.total, 700)
        XCTAssertEqual(updates.last(for: .trades)?.written, 450)
        XCTAssertEqual(summary.anomalies(in: .trades).values.reduce(0, +), 22)  // indexes 19, 39, …, 439

        let migrations: [SeedCollection: Migration] = [
            .trades: TradeYaV2.trades, .conversations: TradeYaV2.conversations, .notifications: TradeYaV2.notifications,
        ]
        for collection in SeedCollection.allCases {
            var found: [String: Int] = [:]
            var seen = 0
            var pageToken: String? = nil
            repeat {
                let page = try await client.list(collection.rawValue, pageSize: 300, pageToken: pageToken)
                for document in page.documents {
                    seen += 1
                    if case .anomaly(let anomalies) = migrations[collection]!.up(document) {
                        for anomaly in anomalies { found[anomaly.code, default: 0] += 1 }
                    }
                }
                pageToken = page.nextPageToken
            } while pageToken != nil
            XCTAssertEqual(seen, counts[collection], "\(collection)")
            XCTAssertEqual(found, summary.anomalies(in: collection), "\(collection)")
        }

        // The same seed again rewrites the same documents: still 450 trades, identical fields.
        _ = try await LegacySeeder(generator: generator).seed(into: client, counts: [.trades: 450])
        let again = try await client.get("trades/\(generator.document(.trades, at: 123).id)")
        XCTAssertTrue(Value.map(try XCTUnwrap(again).fields).isIdentical(to: .map(generator.document(.trades, at: 123).fields)))
        let total = try await client.count(StructuredQuery(collection: "trades"))
        XCTAssertEqual(total, 450)
    }
}

/// Collects progress callbacks from the seeder's tasks.
final class ProgressLog: @unchecked Sendable {
    private var items: [SeedProgress] = []
    private let lock = NSLock()

    func append(_ progress: SeedProgress) { lock.withLock { items.append(progress) } }

    func last(for collection: SeedCollection) -> SeedProgress? {
        lock.withLock { items.last { $0.collection == collection } }
    }
}
