import Firestore
import FirestoreTesting
import XCTest
@testable import Indexes

/// Field overrides through diff, deploy, wait and verify, against the Admin API stand-in whose
/// field updates run over time, can fail (and leave the field as it was), and show up in listings.
final class FieldOverridePipelineTests: XCTestCase {
    private var shipped: IndexFile!
    private var standIn: AdminStandIn!

    override func setUp() async throws {
        shipped = try IndexFile.load(path: RepoFiles.indexFilePath).file
        standIn = try await AdminStandIn.start()
        try await standIn.config(["fieldUpdateSeconds": .number("0.4")])
    }

    /// Ends field updates now: tests that look at one while it runs make updates long (600 s) and
    /// end them here, so a busy machine cannot end them before the test looks.
    private func finish(_ operations: [String]) async throws {
        for name in operations {
            _ = try await standIn.server.control("/control/finish-operation", ["name": .string(name)])
        }
    }

    override func tearDown() async throws {
        standIn?.server.stop()
    }

    private func field(_ project: String, _ group: String, _ path: String) -> String {
        "projects/\(project)/databases/(default)/collectionGroups/\(group)/fields/\(path)"
    }

    /// Seeds a field override deployed by other means: in force at once, every index READY.
    private func seed(_ project: String, _ group: String, _ path: String, indexes: [String]?, ttl: Bool = false) async throws {
        let json: JSON = indexes.map { orders in
            .array(orders.map { order in
                .object(["queryScope": .string("COLLECTION"), "fields": .array([.object(["fieldPath": .string(path), "order": .string(order)])])])
            })
        } ?? .null
        _ = try await standIn.server.control("/control/seed-field", [
            "name": .string(field(project, group, path)), "indexes": json, "ttl": .bool(ttl),
        ])
    }

    /// trades exempt (as the file says), conversations indexed ascending (differs), notifications
    /// untouched (missing), plus an extra override on trades.title and a TTL-only field.
    private func seedMixed(_ project: String) async throws {
        try await seed(project, "trades", "migratedAt", indexes: [])
        try await seed(project, "conversations", "migratedAt", indexes: ["ASCENDING"])
        try await seed(project, "trades", "title", indexes: ["DESCENDING"])
        try await seed(project, "sessions", "expiresAt", indexes: nil, ttl: true)
    }

    func testDiffSaysWhichOverridesAreAppliedDifferMissingApplyingOrExtra() async throws {
        try await standIn.config(["fieldUpdateSeconds": .number("600")])  // still running when the diff looks
        try await seedMixed("mixed")
        let pipeline = standIn.pipeline("staging", project: "mixed")
        let diff = try await pipeline.diff(shipped).fieldOverrides
        XCTAssertEqual(diff.entries.map(\.override.summary), [
            "trades.migratedAt (not indexed)", "conversations.migratedAt (not indexed)", "notifications.migratedAt (not indexed)",
            "sessions.expiresAt (ASC COLLECTION, DESC COLLECTION, CONTAINS COLLECTION; TTL on)", "trades.title (DESC COLLECTION; TTL off)",
        ])
        XCTAssertEqual(diff.entries.map(\.status), [.applied, .differs, .missing, .extra, .extra])
        XCTAssertEqual(diff.entries[1].differences, ["index ASC COLLECTION: deployed, not in the file"])
        XCTAssertEqual(diff.entries[1].deployed?.name, field("mixed", "conversations", "migratedAt"))
        XCTAssertEqual(diff.entries[3].note, "TTL policy only; never pruned")
        XCTAssertNil(diff.entries[4].note)
        let whole = try await pipeline.diff(shipped)
        XCTAssertFalse(whole.allReady)

        // While an update runs, the override is applying, with what the update changes.
        _ = try await standIn.admin(project: "mixed").applyFieldOverride(shipped.fieldOverrides[2])
        let applying = try await pipeline.diff(shipped).fieldOverrides.entries[2]
        XCTAssertEqual(applying.status, .applying)
        XCTAssertEqual(applying.operation?.changes, ["REMOVE ASC COLLECTION", "REMOVE DESC COLLECTION", "REMOVE CONTAINS COLLECTION"])

        // A TTL the file asks for and the database lacks is a difference too.
        var ttlFile = IndexFile(indexes: [], fieldOverrides: [FieldOverride(collectionGroup: "trades", fieldPath: "`title`", ttl: true,
                                                                            indexes: [.init(mode: .descending)])])
        let ttlDiff = try await pipeline.diff(ttlFile).fieldOverrides.entries[0]
        XCTAssertEqual(ttlDiff.status, .differs, "`title` and title are the same field")
        XCTAssertEqual(ttlDiff.differences, ["TTL: on in the file, off in the database"])
        ttlFile.fieldOverrides[0].ttl = nil
        let ttlAbsent = try await pipeline.diff(ttlFile)
        XCTAssertEqual(ttlAbsent.fieldOverrides.entries[0].status, .applied, "ttl absent: not compared")
    }

    func testDeployPatchesMissingAndDifferentOverridesAndLeavesExtrasAloneUnlessPruned() async throws {
        try await standIn.config(["fieldUpdateSeconds": .number("600")])  // the revert is seen while it runs
        try await seedMixed("deploy")
        let log = EventLog()
        let pipeline = standIn.pipeline("staging", project: "deploy", events: log.sink)
        let report = try await pipeline.deploy(shipped)
        XCTAssertTrue(report.succeeded, "\(report.failed)")
        XCTAssertEqual(report.overridesUpdated, ["field override conversations.migratedAt (not indexed)", "field override notifications.migratedAt (not indexed)"])
        XCTAssertEqual(report.overridesUnchanged, ["field override trades.migratedAt (not indexed)"])
        XCTAssertEqual(report.overridesLeftAlone.count, 2)
        XCTAssertEqual(report.overridesReset, [])
        XCTAssertTrue(log.events.contains(.patching(environment: "staging", field: "field override conversations.migratedAt (not indexed)",
                                                    changes: ["index ASC COLLECTION: deployed, not in the file"])), "\(log.events)")
        let patches = try await standIn.server.requests().filter { $0.method == "PATCH" }
        XCTAssertEqual(patches.map(\.path), ["conversations", "notifications"].map { "/v1/" + field("deploy", $0, "migratedAt") })
        XCTAssertEqual(Set(patches.map(\.query)), ["updateMask=indexConfig"], "the file sets no ttl: the TTL policy is not touched")
        try await finish(report.operations)

        let verification = try await pipeline.waitUntilReady(shipped, timeout: .seconds(20))
        XCTAssertEqual(verification.status, .ready, verification.message)
        XCTAssertEqual(verification.fieldOverrides.map(\.status), [.applied, .applied, .applied, .extra, .extra])

        let pruned = try await pipeline.deploy(shipped, prune: true)
        XCTAssertEqual(pruned.overridesReset, ["field override trades.title (DESC COLLECTION; TTL off)"])
        XCTAssertEqual(pruned.overridesLeftAlone, ["field override sessions.expiresAt (ASC COLLECTION, DESC COLLECTION, CONTAINS COLLECTION; TTL on)"],
                       "a TTL-only field is never reset")
        XCTAssertEqual(pruned.overridesUpdated, [])
        let reverting = try await pipeline.diff(shipped).fieldOverrides.entries(.extra)
        XCTAssertEqual(reverting.map(\.note), ["TTL policy only; never pruned", "reverting to inherited indexes"])
        try await finish(pruned.operations)
        let after = try await pipeline.verify(shipped)
        XCTAssertEqual(after.status, .ready)
        XCTAssertEqual(after.fieldOverrides.filter { $0.status == .extra }.map(\.field),
                       ["sessions.expiresAt (ASC COLLECTION, DESC COLLECTION, CONTAINS COLLECTION; TTL on)"])
    }

    func testWaitCountsAnOverrideOnlyOnceItsUpdateIsDoneAndItsIndexesAreReady() async throws {
        try await standIn.config(["fieldUpdateSeconds": .number("600")])
        let file = IndexFile(indexes: [], fieldOverrides: [
            FieldOverride(collectionGroup: "users", fieldPath: "tags", indexes: [.init(queryScope: .collectionGroup, mode: .arrayContains)]),
        ])
        let log = EventLog()
        let pipeline = standIn.pipeline("staging", project: "slow-field", events: log.sink)
        let report = try await pipeline.deploy(file)
        let early = try await pipeline.verify(file)
        XCTAssertEqual(early.status, .notReady)
        XCTAssertEqual(early.fieldOverrides.map(\.status), [.applying])
        let deployed = try await standIn.admin(project: "slow-field").field(collectionGroup: "users", fieldPath: "tags")
        XCTAssertEqual(deployed.indexes.map(\.state), [.creating], "the configuration shows at once, its index still building")

        async let waited = pipeline.waitUntilReady(file, timeout: .seconds(60))
        // The wait reports the update running and keeps polling; once the update ends, it is done.
        let deadline = ContinuousClock.now + .seconds(30)
        while !log.events.contains(where: { if case .applying = $0 { true } else { false } }) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        XCTAssertTrue(log.events.contains { if case .applying = $0 { true } else { false } }, "\(log.events)")
        XCTAssertFalse(log.events.contains { if case .stepFinished(_, .wait, _, _) = $0 { true } else { false } }, "the wait must outlast the running update")
        try await finish(report.operations)
        let verification = try await waited
        XCTAssertEqual(verification.status, .ready, verification.message)
        XCTAssertEqual(log.events.filter { $0 == .ready(environment: "staging", index: "field override users.tags (CONTAINS COLLECTION_GROUP)") }.count, 1)
    }

    func testAFailedFieldUpdateFailsTheWaitWithItsErrorAndTheNextDeployRetriesIt() async throws {
        try await standIn.config(["failNextFieldUpdates": .number("1")])
        let log = EventLog()
        let pipeline = standIn.pipeline("staging", project: "broken-field", events: log.sink)
        let file = IndexFile(indexes: [], fieldOverrides: shipped.fieldOverrides)
        let report = try await pipeline.deploy(file)
        XCTAssertEqual(report.overridesUpdated.count, 3, "the update is accepted; it fails later")
        let verification = try await pipeline.waitUntilReady(file, timeout: .seconds(20))
        XCTAssertEqual(verification.status, .notReady)
        let failed = try XCTUnwrap(verification.fieldOverrides.first { $0.status == .missing })
        XCTAssertEqual(failed.field, "trades.migratedAt (not indexed)")
        let name = field("broken-field", "trades", "migratedAt")
        XCTAssertEqual(failed.note, "the last update failed: updating the indexes of \(name) failed")
        XCTAssertTrue(log.events.contains(.failed(
            environment: "staging", index: "field override trades.migratedAt (not indexed)",
            reason: "not applied, the last update failed: updating the indexes of \(name) failed: deploy again")), "\(log.events)")

        let retried = try await pipeline.deploy(file)
        XCTAssertEqual(retried.overridesUpdated, ["field override trades.migratedAt (not indexed)"])
        let fixed = try await pipeline.waitUntilReady(file, timeout: .seconds(20))
        XCTAssertEqual(fixed.status, .ready, fixed.message)
    }

    func testAnOverrideThatDiffersAndHasNoUpdateRunningFailsTheWaitSayingWhat() async throws {
        try await seed("drift", "trades", "migratedAt", indexes: ["ASCENDING", "DESCENDING"])
        let pipeline = standIn.pipeline("staging", project: "drift")
        let file = IndexFile(indexes: [], fieldOverrides: [shipped.fieldOverrides[0]])
        let verification = try await pipeline.waitUntilReady(file, timeout: .seconds(20))
        XCTAssertEqual(verification.status, .notReady)
        XCTAssertEqual(verification.fieldOverrides.first?.differences,
                       ["index ASC COLLECTION: deployed, not in the file", "index DESC COLLECTION: deployed, not in the file"])
        XCTAssertEqual(verification.message, "0 ready, 0 building, 0 missing, 0 needs repair, 0 extra; "
                       + "field overrides: 0 applied, 0 applying, 0 missing, 1 differ, 0 needs repair, 0 extra")
    }

    func testStoredEvidenceFromBeforeFieldOverridesStillDecodes() throws {
        let old = #"{"environment":"staging","database":"projects/p/databases/(default)","checkedAt":"2026-11-01T00:00:00Z","#
            + #""status":"ready","indexes":[{"index":"trades [a ASC, b ASC]","status":"ready"}],"message":"all 1 indexes READY"}"#
        let verification = try JSONDecoder().decode(IndexVerification.self, from: Data(old.utf8))
        XCTAssertEqual(verification.fieldOverrides, [])
        XCTAssertEqual(verification.status, .ready)
        let report = try JSONDecoder().decode(DeployReport.self, from: Data(#"{"environment":"staging","created":["x"],"operations":[],"existing":[],"deleted":[],"leftAlone":[],"failed":[]}"#.utf8))
        XCTAssertEqual(report.created, ["x"])
        XCTAssertEqual(report.overridesUpdated, [])
    }
}
