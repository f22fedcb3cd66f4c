import Firestore
import FirestoreTesting
import XCTest
@testable import Migrations

final class EngineExecuteTests: XCTestCase {
    override func setUp() async throws {
        try XCTSkipUnless(FirestoreEmulator.isAvailable, "no Cloud Firestore emulator installed")
    }

    func testExecuteThenValidateThenRerunSkipsEverything() async throws {
        let client = try await FirestoreEmulator.shared().newClient("execute")
        try await EngineFixtures.seed(client, trades: 500)
        let plan = TradeYaV2.plan()
        let engine = try EngineFixtures.engine(client) { $0.pageSize = 120; $0.writesPerRequest = 25 }
        let events = EventLog()

        let report = try await engine.execute(plan, who: "tester", progress: events.record)
        XCTAssertEqual(report.status, .completed)
        XCTAssertFalse(report.resumed)
        XCTAssertEqual(report.counts.processed, 700)
        XCTAssertEqual(report.counts.migrated, 400 + 100 + 100)
        XCTAssertEqual(report.counts.anomalies, 100)
        XCTAssertEqual(report.counts.failed, 0)
        XCTAssertEqual(Set(report.anomalies.map(\.document)).count, 100)
        XCTAssertEqual(events.last?.fractionComplete, 1)
        XCTAssertTrue(events.all.contains { $0.checkpoint != nil })

        let sample = try await XCTUnwrapAsync(await client.get("trades/t000000"))
        XCTAssertEqual(sample.fields["schemaVersion"], 2)
        XCTAssertEqual(sample.fields["skillsOffered"], ["React", "TypeScript"])
        XCTAssertEqual(sample.fields["createdAtLegacy"], "2024-03-01T10:00:00Z")
        XCTAssertNotNil(sample.fields["migratedAt"]?.timestampValue)
        XCTAssertEqual(sample.fields["offeredSkills"], ["React", "TypeScript", "React"])  // legacy untouched

        let validation = try await engine.validate(plan)
        XCTAssertTrue(validation.passed, "\(validation.problems.prefix(5))")
        XCTAssertEqual(validation.journalChecked, 600)
        XCTAssertEqual(validation.countBefore, 700)
        XCTAssertEqual(validation.countAfter, 700)

        let registry = try await MigrationRegistry(client: client).record(TradeYaV2.trades.id)
        XCTAssertEqual(registry?.status, "applied")
        XCTAssertEqual(registry?.runID, report.runID)
        XCTAssertEqual(registry?.checksum, TradeYaV2.trades.checksum)
        XCTAssertEqual(registry?.counts["migrated"], 600)

        // Idempotent: a second run changes nothing.
        let before = try await EngineFixtures.snapshot(client, plan.collections)
        let again = try await engine.execute(plan, who: "tester")
        XCTAssertEqual(again.counts.migrated, 0)
        XCTAssertEqual(again.counts.skipped, 600)
        let after = try await EngineFixtures.snapshot(client, plan.collections)
        for (name, document) in before { XCTAssertEqual(after[name]?.updateTime, document.updateTime, name) }
        // The lease was released.
        let status = try await engine.status(plan)
        XCTAssertNil(status.lease)
        XCTAssertEqual(status.registry.count, 3)
        XCTAssertTrue(status.registry.allSatisfy(\.checksumMatches))
    }

    /// Writers change random documents (fields the migration reads and fields it writes) all
    /// through the run; afterwards each of their last writes is there and every document is v2.
    func testConcurrentApplicationWritesAreNeverOverwritten() async throws {
        let client = try await FirestoreEmulator.shared().newClient("concurrent")
        let count = 800
        try await EngineFixtures.seed(client, trades: count, others: 0)
        let plan = try TradeYaV2.plan().only(TradeYaV2.trades.id)
        let engine = try EngineFixtures.engine(client) { $0.pageSize = 50; $0.writesPerRequest = 10; $0.requestsInFlight = 2; $0.maxAttemptsPerDocument = 50 }
        let writers = ApplicationWriters(client: client, documents: count)
        let writing = Task { try await writers.run(tasks: 4) }

        let report = try await engine.execute(plan, who: "tester")
        writers.stop()
        try await writing.value

        XCTAssertGreaterThan(writers.acknowledged, 50, "the writers barely ran")
        XCTAssertGreaterThan(report.counts.conflicts, 0, "no write ever met an application write")
        XCTAssertEqual(report.counts.failed, 0)
        let documents = try await EngineFixtures.snapshot(client, ["trades"])
        for (path, fields) in writers.lastWritten {
            let document = try XCTUnwrap(documents[client.name(path)])
            for (field, value) in fields { XCTAssertEqual(document.fields[field], value, "\(path).\(field) lost an application write") }
        }
        let validation = try await engine.validate(plan)
        XCTAssertEqual(validation.migrations.first?.notMigrated, 0, "\(validation.problems.prefix(5))")
        XCTAssertEqual(validation.migrations.first?.valid, count - count / 5)
    }

    func testASecondRunIsRefusedWhileTheLeaseIsHeld() async throws {
        let client = try await FirestoreEmulator.shared().newClient("lease")
        try await EngineFixtures.seed(client, trades: 20)
        let other = LeaseLock(client: client, ttl: 60)
        try await other.acquire(runID: "run-someone-else", who: "ben", operation: "execute")
        let engine = try EngineFixtures.engine(client)
        do {
            _ = try await engine.execute(TradeYaV2.plan(), who: "ana")
            XCTFail("a second run was not refused")
        } catch let error as RefusedError {
            XCTAssertTrue(error.message.contains("run-someone-else") && error.message.contains("ben"), error.message)
        }
        // Nothing was written while refused.
        let trade = try await client.get("trades/t000000")
        XCTAssertNil(trade?.fields["schemaVersion"])
        await other.release()
        let report = try await engine.execute(TradeYaV2.plan(), who: "ana")
        XCTAssertEqual(report.status, .completed)
    }

    func testAChangedMigrationIsRefused() async throws {
        let client = try await FirestoreEmulator.shared().newClient("checksum")
        try await EngineFixtures.seed(client, trades: 20)
        let engine = try EngineFixtures.engine(client)
        _ = try await engine.execute(TradeYaV2.plan(), who: "ana")
        let original = TradeYaV2.trades
        let changed = Migration(id: original.id, version: original.version + 1, description: original.description,
                                collections: original.collections, rules: original.rules + [MigrationRule("title", "upper-cased")],
                                up: { original.up($0) }, validate: { original.validate($0) })
        do {
            _ = try await engine.execute(try MigrationPlan([changed]), who: "ana")
            XCTFail("a changed definition was not refused")
        } catch let error as RefusedError {
            XCTAssertTrue(error.message.contains(original.id) && error.message.contains("checksum"), error.message)
        }
    }
}

/// The application: tasks updating random trades with update masks until stopped.
final class ApplicationWriters: @unchecked Sendable {
    let client: FirestoreClient
    let documents: Int
    private let lock = NSLock()
    private var stopped = false
    private var last: [String: [String: Value]] = [:]
    private var count = 0

    init(client: FirestoreClient, documents: Int) {
        self.client = client
        self.documents = documents
    }

    var lastWritten: [String: [String: Value]] { lock.withLock { last } }
    var acknowledged: Int { lock.withLock { count } }
    func stop() { lock.withLock { stopped = true } }

    func run(tasks: Int) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<tasks {
                group.addTask { try await self.write(as: writer) }
            }
            try await group.waitForAll()
        }
    }

    private func write(as writer: Int) async throws {
        var n = 0
        while !lock.withLock({ stopped }) {
            n += 1
            // Each writer owns its documents, so "the last acknowledged write" is well defined.
            let index = Int.random(in: 0..<(documents / 4)) * 4 + writer
            let path = String(format: "trades/t%06d", index)
            var changes: [FieldPath: Value?] = ["title": .string("edited by \(writer) #\(n)"), "appCounter": .integer(Int64(n))]
            if n % 3 == 0 { changes["status"] = .string(["open", "closed", "active"][n % 3]) }
            _ = try await client.commit([Write.update(path, changes)])
            lock.withLock {
                for (field, value) in changes { last[path, default: [:]][field.encoded] = value }
                count += 1
            }
        }
    }
}

func XCTUnwrapAsync<T>(_ value: T?, file: StaticString = #filePath, line: UInt = #line) async throws -> T {
    try XCTUnwrap(value, file: file, line: line)
}
