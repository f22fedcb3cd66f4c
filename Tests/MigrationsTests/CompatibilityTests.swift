import Foundation
import XCTest
import Firestore
@testable import Migrations

/// The compatibility layer beyond the vectors: the ISO-8601 parser's edges, and properties that
/// must hold for *any* stored document (random ones included): no trap, purity, idempotency,
/// legacy fields never changed.
final class CompatibilityTests: XCTestCase {
    func testISO8601AcceptedForms() throws {
        let cases: [(String, Int64, Int32)] = [
            ("1970-01-01T00:00:00Z", 0, 0),
            ("2024-03-01T10:00:00Z", 1_709_287_200, 0),
            ("2024-03-01T10:00:00.1Z", 1_709_287_200, 100_000_000),
            ("2024-03-01T10:00:00,25Z", 1_709_287_200, 250_000_000),
            ("2024-03-01T10:00:00.000000001Z", 1_709_287_200, 1),
            ("2024-03-01T11:00:00+01", 1_709_287_200, 0),
            ("2024-03-01T04:30:00-0530", 1_709_287_200, 0),
            ("0001-01-01T00:00:00Z", -62_135_596_800, 0),
            ("9999-12-31T23:59:59.999999999Z", 253_402_300_799, 999_999_999),
            ("1969-12-31T23:59:59.5Z", -1, 500_000_000),
            ("2000-02-29T00:00:00Z", 951_782_400, 0),
        ]
        for (text, seconds, nanos) in cases {
            let parsed = try XCTUnwrap(ISO8601.parse(text), text)
            XCTAssertEqual(parsed, Timestamp(seconds: seconds, nanos: nanos), text)
        }
    }

    func testISO8601RefusedForms() {
        let refused = [
            "", "2024", "2024-03-01", "2024-03-01T10:00:00", "2024-03-01T10Z", "2024-3-01T10:00:00Z",
            "2024-13-01T10:00:00Z", "2024-00-10T10:00:00Z", "2023-02-29T10:00:00Z", "1900-02-29T00:00:00Z",
            "2024-04-31T10:00:00Z", "2024-03-01T24:00:00Z", "2024-03-01T10:60:00Z", "2024-03-01T10:00:60Z",
            "2024-03-01T10:00:00.Z", "2024-03-01T10:00:00+2:00", "2024-03-01T10:00:00+24:00",
            "2024-03-01T10:00:00+01:60", "2024-03-01T10:00:00Z ", " 2024-03-01T10:00:00Z", "2024-03-01T10:00:00ZZ",
            "0000-12-31T23:59:59Z", "0001-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01",
            "2024-03-01X10:00:00Z", "２０２４-03-01T10:00:00Z", "yesterday", "1709287200",
        ]
        for text in refused { XCTAssertNil(ISO8601.parse(text), "\(text) must be refused") }
    }

    func testTimestampsRoundTripThroughTheParser() {
        var random = SeedRandom(seed: 11)
        for _ in 0..<2000 {
            let t = Timestamp(
                seconds: Timestamp.minSeconds + Int64(random.next() % UInt64(Timestamp.maxSeconds - Timestamp.minSeconds)),
                nanos: Int32(random.next() % 1_000_000_000))
            XCTAssertEqual(ISO8601.parse(t.rfc3339), t, t.rfc3339)
        }
    }

    func testRandomDocumentsNeverTrapAndObeyThePrinciples() {
        var random = SeedRandom(seed: 4242)
        let migrations = TradeYaV2.migrations
        for round in 0..<3000 {
            let migration = migrations[round % migrations.count]
            let normalizer = TradeYaV2.normalizer(for: migration.collections[0])!
            let fields = RandomDocument.fields(&random)
            let document = Document(name: "projects/p/databases/(default)/documents/\(migration.collections[0])/r\(round)", fields: fields)

            let first = normalizer.normalize(fields)
            XCTAssertEqual(first, normalizer.normalize(fields), "pure: same input, same output")
            // The read model only adds or replaces v2 fields; every other stored field is shown as stored.
            for (key, value) in fields where !Self.writable(migration).contains(key) {
                XCTAssertTrue(first.model.fields[key]?.isIdentical(to: value) ?? false, "\(key) must be shown as stored")
            }
            switch migration.up(document) {
            case .skipped:
                XCTAssertEqual(migration.validate(document), .valid)
            case .anomaly(let anomalies):
                XCTAssertFalse(anomalies.isEmpty)
                XCTAssertEqual(migration.validate(document), .anomaly(anomalies))
            case .migrate(let change):
                for path in change.touchedPaths {
                    XCTAssertTrue(Self.writable(migration).contains(path.segments[0]), "\(migration.id) writes \(path)")
                }
                let migrated = Document(name: document.name, fields: change.applied(to: fields, serverTime: .timestamp(Timestamp(seconds: 1))))
                XCTAssertEqual(migration.up(migrated), .skipped, "idempotent: \(fields)")
                XCTAssertEqual(migration.validate(migrated), .valid)
                for (key, value) in fields where !Self.writable(migration).contains(key) {
                    XCTAssertTrue(migrated.fields[key]?.isIdentical(to: value) ?? false, "legacy \(key) unchanged")
                }
            }
        }
    }

    static func writable(_ migration: Migration) -> Set<String> {
        Set(migration.rules.map(\.target)).subtracting(["anomaly", "legacy", "skip"])
    }

    func testReadModelOfAV2TradeStillShowsLegacyFields() {
        let fields: [String: Value] = [
            "offeredSkills": ["React"], "skillsOffered": ["React"], "skillsWanted": [], "creatorId": "u1",
            "participants": ["creator": "u1"], "createdAt": .timestamp(Timestamp(seconds: 5)), "schemaVersion": 2,
        ]
        let normalized = TradeNormalizer().normalize(fields)
        XCTAssertEqual(normalized.model.fields["offeredSkills"], ["React"])
        XCTAssertEqual(normalized.model.fields["creatorId"], "u1")
        XCTAssertFalse(normalized.model.compatibilityLayerUsed)
        XCTAssertTrue(normalized.report.isV2)
    }

    func testAnomalyReasonsSayWhatAndWhatToDo() {
        let report = TradeNormalizer().normalize(["creatorId": "u1", "participants": ["creator": "u2"], "createdAt": "soon"]).report
        let reasons = report.anomalies.map(\.reason).joined(separator: "\n")
        XCTAssertTrue(reasons.contains("\"u1\"") && reasons.contains("\"u2\""), reasons)
        XCTAssertTrue(reasons.contains("\"soon\""), reasons)
        XCTAssertTrue(report.anomalies.allSatisfy { $0.reason.contains("by hand") }, reasons)
    }
}

/// Random stored documents mixing every field the rules look at with every value type.
enum RandomDocument {
    static let keys = [
        "offeredSkills", "requestedSkills", "skillsOffered", "skillsWanted", "skillsOfferedDetail", "creatorId",
        "participantId", "participants", "createdAt", "createdAtLegacy", "schemaVersion", "migrationId", "migratedAt",
        "participantIds", "updatedAt", "lastMessageAt", "userId", "read", "title",
    ]

    static func fields(_ random: inout SeedRandom) -> [String: Value] {
        var fields: [String: Value] = [:]
        for key in keys where random.chance(45) { fields[key] = value(&random, depth: 0) }
        return fields
    }

    static func value(_ random: inout SeedRandom, depth: Int) -> Value {
        switch random.below(depth > 1 ? 10 : 13) {
        case 0: return .null
        case 1: return .boolean(random.chance(50))
        case 2: return .integer(Int64(random.below(5)) - 1)
        case 3: return .double(random.pick([0.0, -0.0, 2.0, .nan, .infinity]))
        case 4: return .timestamp(Timestamp(seconds: Int64(random.below(2_000_000_000)), nanos: Int32(random.below(1000))))
        case 5: return .string(random.pick(["", "u1", "u2", "React", "2024-03-01T10:00:00Z", "2024-03-01T12:00:00+02:00", "soon"]))
        case 6: return .bytes(Data([UInt8(random.below(256))]))
        case 7: return .reference("projects/p/databases/(default)/documents/users/u1")
        case 8: return .geoPoint(latitude: 1, longitude: 2)
        case 9: return .string("u\(random.below(4))")
        case 10, 11: return .array((0..<random.below(4)).map { _ in value(&random, depth: depth + 1) })
        default:
            var map: [String: Value] = [:]
            for key in ["id", "name", "creator", "participant", "level"] where random.chance(50) {
                map[key] = value(&random, depth: depth + 1)
            }
            return .map(map)
        }
    }
}
