import Firestore
import FirestoreTesting
import XCTest
@testable import Migrations

final class EngineDryRunTests: XCTestCase {
    override func setUp() async throws {
        try XCTSkipUnless(FirestoreEmulator.isAvailable, "no Cloud Firestore emulator installed")
    }

    func testDryRunCountsEveryOutcomeAndWritesNothing() async throws {
        let client = try await FirestoreEmulator.shared().newClient("dryrun")
        try await EngineFixtures.seed(client, trades: 400)
        let plan = TradeYaV2.plan()
        let before = try await EngineFixtures.snapshot(client, plan.collections)
        let engine = try EngineFixtures.engine(client) { $0.pageSize = 70; $0.readPageSize = 70 }
        let events = EventLog()

        let report = try await engine.dryRun(plan, progress: events.record)

        let trades = try XCTUnwrap(report.migrations.first { $0.migrationID == TradeYaV2.trades.id })
        XCTAssertEqual(trades.documents, 400)
        XCTAssertEqual(trades.anomalies, 80)  // every 9th and 10th of ten
        XCTAssertEqual(trades.toMigrate, 320)
        XCTAssertEqual(report.totalDocuments, 400 + 80 + 80)
        XCTAssertEqual(Set(report.anomalies.filter { $0.migrationID == TradeYaV2.trades.id }.map(\.document)).count, 80)
        XCTAssertEqual(report.samples.count, 3 * EngineOptions().dryRunSamples)
        XCTAssertEqual(report.samples.first?.after["migratedAt"], "<server time>")
        XCTAssertNil(report.estimatedSeconds)  // unlimited
        let estimate = try await DryRun(reader: client).run(plan: plan, environment: "production", rateLimit: .firestoreRampUp)
        XCTAssertEqual(try XCTUnwrap(estimate.estimatedSeconds), Double(estimate.totalToMigrate) / 500, accuracy: 1e-6)

        // Nothing written: every updateTime as before, and no bookkeeping collection appeared.
        let after = try await EngineFixtures.snapshot(client, plan.collections)
        XCTAssertEqual(after.count, before.count)
        for (name, document) in before { XCTAssertEqual(after[name]?.updateTime, document.updateTime, name) }
        let collections = try await client.listCollectionIDs()
        XCTAssertEqual(Set(collections), Set(plan.collections))
        XCTAssertEqual(events.last?.processed, 560)
        XCTAssertEqual(events.last?.fractionComplete, 1)
    }
}

/// Collects progress events from the engine's task.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [MigrationProgress] = []
    var all: [MigrationProgress] { lock.withLock { events } }
    var last: MigrationProgress? { all.last }
    var record: ProgressHandler { { [self] event in lock.withLock { events.append(event) } } }
}
