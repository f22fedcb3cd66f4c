import XCTest
import Firestore
@testable import Migrations

/// The definition types ENGINE builds its writes, journal and rollback from.
final class DefinitionTests: XCTestCase {
    let change = DocumentChange(
        updates: [
            FieldUpdate(path: "participants.creator", newValue: "u1"),
            FieldUpdate(path: "participants.participant", newValue: nil),
            FieldUpdate(path: "skillsOffered", newValue: ["React"]),
            FieldUpdate(path: FieldPath(["odd.key", "x"]), newValue: 1),
        ],
        serverTimestamps: ["migratedAt"])

    func testMaskTransformsAndTouchedPaths() {
        XCTAssertEqual(change.updateMask.map(\.encoded), ["participants.creator", "participants.participant", "skillsOffered", "`odd.key`.x"])
        XCTAssertEqual(change.touchedPaths.map(\.encoded).last, "migratedAt")
        XCTAssertFalse(change.updateMask.contains("migratedAt"), "a transform field is never in the mask")
    }

    func testUpdateFieldsNestValuesAndOmitRemovals() {
        let fields = change.updateFields
        XCTAssertEqual(fields["participants"], ["creator": "u1"])
        XCTAssertEqual(fields["skillsOffered"], ["React"])
        XCTAssertEqual(fields["odd.key"], ["x": 1])
        XCTAssertNil(fields["migratedAt"])
    }

    func testAppliedBehavesLikeAnUpdateMask() {
        let stored: [String: Value] = [
            "participants": ["creator": "u9", "participant": .null, "observers": ["u3"]],
            "title": "keep me", "skillsOffered": [["name": "React"]],
        ]
        let now = Value.timestamp(Timestamp(seconds: 42))
        let result = change.applied(to: stored, serverTime: now)
        XCTAssertEqual(result["participants"], ["creator": "u1", "observers": ["u3"]])
        XCTAssertEqual(result["title"], "keep me")
        XCTAssertEqual(result["skillsOffered"], ["React"])
        XCTAssertEqual(result["odd.key"], ["x": 1])
        XCTAssertEqual(result["migratedAt"], now)
        // Removing a path whose parent is missing or not a map changes nothing.
        let odd = DocumentChange(updates: [FieldUpdate(path: "a.b", newValue: nil)]).applied(to: ["a": 5], serverTime: now)
        XCTAssertEqual(odd, ["a": 5])
    }

    func testFieldUpdateEqualityIsExact() {
        XCTAssertNotEqual(FieldUpdate(path: "a", newValue: .integer(2)), FieldUpdate(path: "a", newValue: .double(2)))
        XCTAssertNotEqual(FieldUpdate(path: "a", newValue: nil), FieldUpdate(path: "a", newValue: .null))
        XCTAssertEqual(FieldUpdate(path: "a", newValue: .double(.nan)), FieldUpdate(path: "a", newValue: .double(.nan)))
    }

    func testTradeYaMigrationsDeclareWhatTheyAre() {
        XCTAssertEqual(TradeYaV2.migrations.map(\.id), ["2026-11-trades-v2", "2026-11-conversations-v2", "2026-11-notifications-v2"])
        XCTAssertEqual(TradeYaV2.migrations.map(\.collections), [["trades"], ["conversations"], ["notifications"]])
        XCTAssertTrue(TradeYaV2.migrations.allSatisfy { $0.version == 1 && !$0.description.isEmpty })
        XCTAssertTrue(TradeYaV2.trades.canonicalDefinition.hasPrefix("migration 2026-11-trades-v2\nversion 1\ncollections trades\n"))
        XCTAssertNil(TradeYaV2.normalizer(for: "users"))
    }

    func testAnomalyDescriptionNamesFieldAndCode() {
        let anomaly = Anomaly(code: "createdAtMissing", field: "createdAt", reason: "createdAt is missing")
        XCTAssertEqual("\(anomaly)", "createdAt: createdAt is missing [createdAtMissing]")
    }
}
