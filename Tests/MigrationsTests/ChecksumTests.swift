import Digest
import XCTest
import Firestore
@testable import Migrations

final class ChecksumTests: XCTestCase {
    func testSHA256KnownAnswers() {
        // FIPS 180-4 examples and the empty string.
        XCTAssertEqual(SHA256.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(
            SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(
            SHA256.hex(String(repeating: "a", count: 1_000_000)),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// The checksums recorded in `_migrations` for TradeYa v2. A change here means the meaning of an
    /// applied migration changed: bump its version instead of editing these values.
    func testTradeYaChecksumsArePinned() {
        XCTAssertEqual(TradeYaV2.trades.checksum, Pinned.trades, TradeYaV2.trades.canonicalDefinition)
        XCTAssertEqual(TradeYaV2.conversations.checksum, Pinned.conversations, TradeYaV2.conversations.canonicalDefinition)
        XCTAssertEqual(TradeYaV2.notifications.checksum, Pinned.notifications, TradeYaV2.notifications.canonicalDefinition)
        XCTAssertEqual(TradeYaV2.plan().checksum, Pinned.plan)
    }

    enum Pinned {
        static let trades = "1cab7adb1c441b415a0d91e69ced854ae675c6b8c2db9d0c0fa6a2489b7d92a7"
        static let conversations = "f7abc095e8f1c30127fff618abe923b1ca28c10f4c40bece685abf0650ce1df4"
        static let notifications = "122732c39ec804d5c85f2e2a9e83b911e572f878b6329cca7325d025d34e21ee"
        static let plan = "2f4bce363c6d08bb4d52eebb8acb084be26059126f0a774c3b7e7d32acc55b24"
    }

    func testChecksumIsStableAcrossInstancesAndIgnoresLayoutAndDescription() {
        let a = migration(version: 1, description: "one", rules: [MigrationRule("read", "false when missing")])
        let b = migration(version: 1, description: "another wording", rules: [MigrationRule(" read ", "false\n   when\tmissing ")])
        XCTAssertEqual(a.checksum, b.checksum)
        XCTAssertEqual(a.checksum.count, 64)
        XCTAssertEqual(TradeYaV2.trades.checksum, TradeYaV2.plan().migrations[0].checksum)
    }

    func testChecksumChangesWithVersionRuleIDOrCollection() {
        let base = migration(version: 1, rules: [MigrationRule("read", "false when missing")])
        let others = [
            migration(version: 2, rules: [MigrationRule("read", "false when missing")]),
            migration(version: 1, rules: [MigrationRule("read", "true when missing")]),
            migration(version: 1, rules: [MigrationRule("unread", "false when missing")]),
            migration(version: 1, rules: [MigrationRule("read", "false when missing"), MigrationRule("anomaly", "userIdMissing")]),
            migration(id: "2026-12-notifications-v2", version: 1, rules: [MigrationRule("read", "false when missing")]),
            migration(version: 1, collections: ["alerts"], rules: [MigrationRule("read", "false when missing")]),
        ]
        for other in others { XCTAssertNotEqual(base.checksum, other.checksum, other.canonicalDefinition) }
        XCTAssertEqual(Set(others.map(\.checksum)).count, others.count)
    }

    func testRuleOrderIsPartOfTheMeaning() {
        let r1 = MigrationRule("a", "x"), r2 = MigrationRule("b", "y")
        XCTAssertNotEqual(migration(version: 1, rules: [r1, r2]).checksum, migration(version: 1, rules: [r2, r1]).checksum)
    }

    func testPlanChecksumFollowsItsMigrationsAndTheirOrder() throws {
        let t = TradeYaV2.trades, c = TradeYaV2.conversations, n = TradeYaV2.notifications
        let plan = try MigrationPlan([t, c, n])
        XCTAssertEqual(plan.checksum, try MigrationPlan([t, c, n]).checksum)
        XCTAssertNotEqual(plan.checksum, try MigrationPlan([c, t, n]).checksum)
        XCTAssertNotEqual(plan.checksum, try MigrationPlan([t, c]).checksum)
        let bumped = Migration(id: n.id, version: n.version + 1, description: n.description, normalizer: NotificationNormalizer(), rules: [])
        XCTAssertNotEqual(plan.checksum, try MigrationPlan([t, c, bumped]).checksum)
    }

    func testPlanRefusesDuplicatesEmptyAndUnknownIDs() throws {
        XCTAssertThrowsError(try MigrationPlan([])) { XCTAssertEqual($0 as? MigrationPlanError, .empty) }
        XCTAssertThrowsError(try MigrationPlan([TradeYaV2.trades, TradeYaV2.trades])) {
            XCTAssertEqual($0 as? MigrationPlanError, .duplicateID("2026-11-trades-v2"))
            XCTAssertTrue("\($0)".contains("2026-11-trades-v2"))
        }
        let plan = TradeYaV2.plan()
        XCTAssertEqual(try plan.only("2026-11-conversations-v2").migrations.map(\.id), ["2026-11-conversations-v2"])
        XCTAssertThrowsError(try plan.only("2026-11-users-v2")) { error in
            XCTAssertTrue("\(error)".contains("2026-11-trades-v2"), "the error lists the known ids: \(error)")
        }
        XCTAssertEqual(plan.collections, ["trades", "conversations", "notifications"])
    }

    private func migration(
        id: String = "2026-11-notifications-v2", version: Int, description: String = "d",
        collections: [String] = ["notifications"], rules: [MigrationRule]
    ) -> Migration {
        Migration(
            id: id, version: version, description: description, collections: collections, rules: rules,
            up: { _ in .skipped }, validate: { _ in .valid })
    }
}
