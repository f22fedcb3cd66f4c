import Firestore
import FirestoreTesting
import XCTest
@testable import Indexes

/// Deploy, wait, verify and diff against the local stand-in of the Admin API, whose indexes go
/// from CREATING to READY over time, can end NEEDS_REPAIR, and answer 409 when they exist.
final class PipelineTests: XCTestCase {
    private var shipped: IndexFile!
    private var standIn: AdminStandIn!

    override func setUp() async throws {
        shipped = try IndexFile.load(path: RepoFiles.indexFilePath).file
        standIn = try await AdminStandIn.start()
    }

    override func tearDown() async throws {
        standIn?.server.stop()
    }

    func testDeployCreatesEverythingThenWaitSeesEveryIndexReady() async throws {
        let log = EventLog()
        let pipeline = standIn.pipeline("staging", project: "tradeya-staging", events: log.sink)
        let before = try await pipeline.diff(shipped)
        XCTAssertEqual(before.entries(.missing).count, 5)
        XCTAssertEqual(before.fieldOverrides.entries(.missing).count, 3, "the three migratedAt exemptions")

        let report = try await pipeline.deploy(shipped)
        XCTAssertEqual(report.created.count, 5)
        XCTAssertEqual(report.overridesUpdated.count, 3)
        XCTAssertEqual(report.operations.count, 5 + 3, "five index builds and three field updates")
        XCTAssertTrue(report.succeeded)
        let building = try await pipeline.diff(shipped)
        XCTAssertEqual(building.entries(.building).count, 5, building.counts)

        let verification = try await pipeline.waitUntilReady(shipped, timeout: .seconds(20))
        XCTAssertEqual(verification.status, .ready, verification.message)
        XCTAssertEqual(verification.indexes.map(\.status), Array(repeating: .ready, count: 5))
        XCTAssertEqual(verification.fieldOverrides.map(\.status), Array(repeating: .applied, count: 3))
        XCTAssertEqual(verification.message, "all 5 indexes READY and 3 field overrides applied")
        XCTAssertEqual(verification.database, "projects/tradeya-staging/databases/(default)")
        let events = log.events
        XCTAssertEqual(events.filter { if case .creating = $0 { true } else { false } }.count, 5)
        XCTAssertEqual(events.filter { if case .ready = $0 { true } else { false } }.count, 5 + 3)
        XCTAssertEqual(events.filter { if case .patching = $0 { true } else { false } }.count, 3)
        XCTAssertTrue(events.contains { if case .progress(_, _, .creating, _) = $0 { true } else { false } }, "\(events)")

        // A second deploy creates nothing: every index already exists.
        let again = try await pipeline.deploy(shipped)
        XCTAssertEqual(again.created, [])
        XCTAssertEqual(again.existing.count, 5)
        XCTAssertEqual(again.overridesUpdated, [])
        XCTAssertEqual(again.overridesUnchanged.count, 3)
        let verified = try await pipeline.verify(shipped)
        XCTAssertEqual(verified.status, .ready)
    }

    func testCreatingAnExistingIndexAnswers409AndConcurrentDeploysCreateEachIndexOnce() async throws {
        let admin = standIn.admin(project: "p409")
        _ = try await admin.startBuilding(shipped.indexes[0])
        do {
            _ = try await admin.startBuilding(shipped.indexes[0])
            XCTFail("expected ALREADY_EXISTS")
        } catch {
            XCTAssertEqual(error.code, .alreadyExists)
            XCTAssertEqual(error.httpStatus, 409)
        }
        try await standIn.server.control("/control/delay", ["seconds": .number("0.05")])
        let first = standIn.pipeline("ci-1", project: "race")
        let second = standIn.pipeline("ci-2", project: "race")
        let file: IndexFile = shipped
        async let a = first.deploy(file)
        async let b = second.deploy(file)
        let (reportA, reportB) = try await (a, b)
        XCTAssertTrue(reportA.succeeded && reportB.succeeded, "\(reportA.failed) \(reportB.failed)")
        XCTAssertEqual(reportA.created.count + reportB.created.count, 5)
        XCTAssertEqual(Set(reportA.created).union(reportB.created).count, 5)
        // Both see the exemptions missing; a patch that meets the other's running update counts as applying.
        XCTAssertEqual(Set(reportA.overridesUpdated).union(reportB.overridesUpdated).count, 3)
        XCTAssertEqual(reportA.overridesUpdated.count + reportA.overridesUnchanged.count, 3)
        XCTAssertEqual(reportB.overridesUpdated.count + reportB.overridesUnchanged.count, 3)
        XCTAssertEqual(reportA.existing.count, 5 - reportA.created.count)
        let deployed = try await first.diff(shipped)
        XCTAssertEqual(deployed.entries(.extra).count, 0)
        XCTAssertEqual(deployed.entries(.missing).count, 0)
    }

    func testWaitFailsOnNeedsRepair() async throws {
        try await standIn.config(["failNextIndexBuilds": .number("1")])
        let log = EventLog()
        let pipeline = standIn.pipeline("staging", project: "repair", events: log.sink)
        _ = try await pipeline.deploy(shipped)
        let verification = try await pipeline.waitUntilReady(shipped, timeout: .seconds(20))
        XCTAssertEqual(verification.status, .notReady)
        XCTAssertEqual(verification.indexes.filter { $0.status == .needsRepair }.map(\.index), [shipped.indexes[0].summary])
        XCTAssertTrue(log.events.contains(.failed(environment: "staging", index: shipped.indexes[0].summary,
                                                  reason: "NEEDS_REPAIR: the build failed; delete the index and deploy again")))
        // A later deploy reports the broken index instead of pretending it is fine.
        let report = try await pipeline.deploy(shipped)
        XCTAssertFalse(report.succeeded)
        XCTAssertEqual(report.failed.count, 1)
    }

    func testWaitTimesOut() async throws {
        try await standIn.config(["indexBuildSeconds": .number("60")])
        let pipeline = standIn.pipeline("staging", project: "slow")
        _ = try await pipeline.deploy(shipped)
        let started = ContinuousClock.now
        let verification = try await pipeline.waitUntilReady(shipped, timeout: .milliseconds(500))
        XCTAssertEqual(verification.status, .notReady)
        XCTAssertTrue(verification.message.hasPrefix("timed out after"), verification.message)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(5))
    }

    func testDiffReportsMissingExtraBuildingNeedsRepairAndReady() async throws {
        try await standIn.config(["indexBuildSeconds": .number("60")])
        let admin = standIn.admin(project: "diff")
        let pipeline = standIn.pipeline("staging", project: "diff")
        let ready = try await admin.startBuilding(shipped.indexes[0])
        let broken = try await admin.startBuilding(shipped.indexes[1])
        _ = try await admin.startBuilding(shipped.indexes[2])
        let extra = CompositeIndex(collectionGroup: "trades", fields: [IndexField("title", .ascending), IndexField("createdAt", .ascending)])
        _ = try await admin.startBuilding(extra)
        try await standIn.server.control("/control/index-state", ["name": .string(ready.indexName!), "state": .string("READY")])
        try await standIn.server.control("/control/index-state", ["name": .string(broken.indexName!), "state": .string("NEEDS_REPAIR")])

        let diff = try await pipeline.diff(shipped)
        XCTAssertEqual(diff.entries.map(\.status), [.ready, .needsRepair, .building, .missing, .missing, .extra])
        XCTAssertEqual(diff.entries.last?.index.summary, "trades [title ASC, createdAt ASC, __name__ ASC]")
        XCTAssertEqual(diff.counts, "1 ready, 1 building, 2 missing, 1 needs repair, 1 extra; "
                       + "field overrides: 0 applied, 0 applying, 3 missing, 0 differ, 0 needs repair, 0 extra")
    }

    func testExtrasAreLeftAloneUnlessPruned() async throws {
        let admin = standIn.admin(project: "prune")
        let extra = CompositeIndex(collectionGroup: "trades", fields: [IndexField("title", .ascending), IndexField("createdAt", .ascending)])
        _ = try await admin.startBuilding(extra)
        let pipeline = standIn.pipeline("staging", project: "prune")
        let kept = try await pipeline.deploy(shipped)
        XCTAssertEqual(kept.leftAlone.count, 1)
        XCTAssertEqual(kept.deleted, [])
        let pruned = try await pipeline.deploy(shipped, prune: true)
        XCTAssertEqual(pruned.deleted.count, 1)
        let after = try await pipeline.diff(shipped)
        XCTAssertEqual(after.entries(.extra).count, 0)
    }

    func testRolloutStopsAtTheFirstFailingEnvironment() async throws {
        let staging = standIn.pipeline("staging", project: "tradeya-staging")
        let production = standIn.pipeline("production", project: "tradeya-prod")
        try await standIn.config(["failNextIndexBuilds": .number("1")])
        let failed = await IndexRollout(stages: [staging, production], wait: true, timeout: .seconds(20)).run(shipped)
        XCTAssertEqual(failed.map(\.environment), ["staging"])
        XCTAssertFalse(failed[0].succeeded)
        let untouched = try await production.diff(shipped)
        XCTAssertEqual(untouched.entries(.missing).count, 5, "production must not be touched after staging failed")

        let fresh = standIn.pipeline("staging", project: "tradeya-staging-2")
        let good = await IndexRollout(stages: [fresh, production], wait: true, timeout: .seconds(20)).run(shipped)
        XCTAssertEqual(good.map(\.environment), ["staging", "production"])
        XCTAssertEqual(good.map(\.succeeded), [true, true])
        XCTAssertEqual(good.map { $0.verification?.status }, [.ready, .ready])
    }

    func testEventsArriveOnAnAsyncStream() async throws {
        let (stream, sink, continuation) = IndexEventSink.makeStream()
        let collector = Task { () -> [IndexEvent] in
            var events: [IndexEvent] = []
            for await event in stream { events.append(event) }
            return events
        }
        try await standIn.config(["fieldUpdateSeconds": .number("600")])  // the exemptions are still applying at verify
        let pipeline = standIn.pipeline("staging", project: "stream", events: sink)
        _ = try await pipeline.deploy(shipped)
        _ = try await pipeline.verify(shipped)
        continuation.finish()
        let events = await collector.value
        XCTAssertEqual(events.first, .stepStarted(environment: "staging", step: .deploy))
        XCTAssertEqual(events.filter { if case .creating = $0 { true } else { false } }.count, 5)
        XCTAssertEqual(events.last, .stepFinished(environment: "staging", step: .verify, succeeded: false,
                                                  summary: "0 ready, 5 building, 0 missing, 0 needs repair, 0 extra; "
                                                      + "field overrides: 0 applied, 3 applying, 0 missing, 0 differ, 0 needs repair, 0 extra"))
    }

    func testUnauthenticatedCallIsAClearError() async throws {
        try await standIn.config(["requiredToken": .string("the-real-token")])
        do {
            _ = try await standIn.pipeline("staging", project: "auth").diff(shipped)
            XCTFail("expected UNAUTHENTICATED")
        } catch {
            XCTAssertEqual(error.code, .unauthenticated)
            XCTAssertTrue(error.description.contains("projects/auth/databases/(default)"), error.description)
        }
    }
}
