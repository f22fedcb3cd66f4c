import XCTest
import Firestore
@testable import Migrations

/// The seed generator, without a database: reproducible, every shape and anomaly present at the
/// stated rate, and each document is what its kind says when the migration looks at it.
final class SeedGeneratorTests: XCTestCase {
    func testSameSeedSameDocumentsOtherSeedOtherDocuments() {
        let a = LegacyDataGenerator(seed: 42), b = LegacyDataGenerator(seed: 42), c = LegacyDataGenerator(seed: 43)
        for collection in SeedCollection.allCases {
            for index in [0, 1, 49, 777, 99_999] {
                let x = a.document(collection, at: index), y = b.document(collection, at: index)
                XCTAssertEqual(x.id, y.id)
                XCTAssertTrue(Value.map(x.fields).isIdentical(to: .map(y.fields)), "\(collection) #\(index)")
                XCTAssertEqual(x.kind, y.kind)
                XCTAssertNotEqual(x.id, c.document(collection, at: index).id)
            }
        }
    }

    /// A value computed once from seed 7 and pinned: a change of the PRNG or the shapes (which would
    /// make `--seed` mean different data on another build) fails here.
    func testGeneratorOutputIsPinned() {
        var random = SeedRandom(seed: 7)
        XCTAssertEqual((0..<3).map { _ in random.next() }, Pinned.splitMix)
        let document = LegacyDataGenerator(seed: 7).document(.trades, at: 0)
        XCTAssertEqual(document.id, Pinned.firstTradeID)
    }

    enum Pinned {
        static let splitMix: [UInt64] = [7_191_089_600_892_374_487, 309_689_372_594_955_804, 16_616_101_746_815_609_346]
        static let firstTradeID = "GsIa3RQHutpQMJxrW7vG"
    }

    func testIDsAreUniqueAcrossAThousandDocuments() {
        let generator = LegacyDataGenerator(seed: 1)
        for collection in SeedCollection.allCases {
            let ids = generator.documents(collection, count: 1000).map(\.id)
            XCTAssertEqual(Set(ids).count, ids.count, "\(collection)")
            XCTAssertTrue(ids.allSatisfy { $0.utf8.count == 20 })
        }
    }

    func testAnomaliesAtTheStatedRateCyclingThroughEveryKind() {
        let generator = LegacyDataGenerator(seed: 9, anomalyEvery: 50)
        for collection in SeedCollection.allCases {
            let census = generator.census(collection, count: 5000)
            XCTAssertEqual(census.values.reduce(0, +), 5000)
            let anomalies = census.filter { $0.key.anomalyCode != nil }
            XCTAssertEqual(anomalies.values.reduce(0, +), 100, "\(collection): one in 50")
            XCTAssertEqual(Set(anomalies.keys), Set(SeedKind.anomalies(for: collection)), "\(collection): every kind")
            for kind in [SeedKind.legacy, .current, .halfMigrated, .v2] {
                XCTAssertGreaterThan(census[kind] ?? 0, 200, "\(collection): \(kind)")
            }
        }
        XCTAssertEqual(LegacyDataGenerator(seed: 9, anomalyEvery: 0).census(.trades, count: 500).keys.contains { $0.anomalyCode != nil }, false)
    }

    /// Every generated document gets the outcome its kind promises from the real migration.
    func testEveryDocumentIsWhatItsKindSays() {
        let generator = LegacyDataGenerator(seed: 2026)
        let migrations: [SeedCollection: Migration] = [
            .trades: TradeYaV2.trades, .conversations: TradeYaV2.conversations, .notifications: TradeYaV2.notifications,
        ]
        for collection in SeedCollection.allCases {
            let migration = migrations[collection]!
            for document in generator.documents(collection, count: 3000) {
                let outcome = migration.up(Document(name: "projects/p/databases/(default)/documents/\(document.path)", fields: document.fields))
                let label = "\(document.path) (\(document.kind))"
                switch (document.kind, outcome) {
                case (.v2, .skipped): break
                case (.legacy, .migrate), (.current, .migrate), (.halfMigrated, .migrate): break
                case (let kind, .anomaly(let anomalies)) where kind.anomalyCode != nil:
                    XCTAssertEqual(anomalies.map(\.code), [kind.anomalyCode!], label)
                default:
                    XCTFail("\(label): got \(outcome)")
                }
            }
        }
    }

    func testLegacyShapesReallyAreLegacy() {
        let generator = LegacyDataGenerator(seed: 5)
        var isoDates = 0, objects = 0, plainStringsAmongObjects = 0
        for document in generator.documents(.trades, count: 2000) {
            switch document.kind {
            case .legacy:
                XCTAssertNil(document.fields["skillsOffered"])
                XCTAssertNotNil(document.fields["offeredSkills"]?.arrayValue)
                XCTAssertNotNil(document.fields["creatorId"]?.stringValue)
                if document.fields["createdAt"]?.stringValue != nil { isoDates += 1 }
            case .current:
                let skills = document.fields["skillsOffered"]?.arrayValue ?? []
                if skills.contains(where: { $0.mapValue != nil }) { objects += 1 }
                if skills.contains(where: { $0.stringValue != nil }) { plainStringsAmongObjects += 1 }
                XCTAssertNotNil(document.fields["participants"]?.mapValue)
            default: break
            }
        }
        XCTAssertGreaterThan(isoDates, 100, "legacy trades with ISO-8601 createdAt strings")
        XCTAssertGreaterThan(objects, 500, "current trades with TradeSkill objects")
        XCTAssertGreaterThan(plainStringsAmongObjects, 50, "current trades with a plain string among the objects")
    }

    func testDocumentsSequenceIsLazy() {
        // A sequence of 10 million documents costs nothing until iterated.
        let sequence = LegacyDataGenerator(seed: 3).documents(.notifications, count: 10_000_000)
        XCTAssertEqual(sequence.prefix(3).map(\.collection), [.notifications, .notifications, .notifications])
    }
}
