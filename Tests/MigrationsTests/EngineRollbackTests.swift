import Firestore
import FirestoreTesting
import XCTest
@testable import Migrations

final class EngineRollbackTests: XCTestCase {
    override func setUp() async throws {
        try XCTSkipUnless(FirestoreEmulator.isAvailable, "no Cloud Firestore emulator installed")
    }

    func testRollbackAfterCompletionRestoresUntouchedDocumentsExactlyAndKeepsApplicationChanges() async throws {
        let client = try await FirestoreEmulator.shared().newClient("rollback")
        try await EngineFixtures.seed(client, trades: 300)
        let plan = TradeYaV2.plan()
        let original = try await EngineFixtures.snapshot(client, plan.collections)
        let engine = try EngineFixtures.engine(client) { $0.pageSize = 64 }
        let executed = try await engine.execute(plan, who: "ana")

        // The application changes some documents after the migration: a legacy field on one, a
        // field the migration wrote on another.
        let titled = "trades/t000001", reskilled = "trades/t000002"
        _ = try await client.commit([Write.update(titled, ["title": "renamed by the app"])])
        _ = try await client.commit([Write.update(reskilled, ["skillsOffered": ["Painting"]])])

        let report = try await engine.rollback(plan, who: "ana")
        XCTAssertEqual(report.status, .completed)
        XCTAssertEqual(report.undoes, executed.runID)
        XCTAssertEqual(report.counts.merged, 2)
        XCTAssertEqual(report.counts.restored, executed.counts.migrated - 2)
        XCTAssertEqual(report.counts.failed, 0)

        let now = try await EngineFixtures.snapshot(client, plan.collections)
        XCTAssertEqual(now.count, original.count)
        for (name, document) in original where !name.hasSuffix(titled) && !name.hasSuffix(reskilled) {
            XCTAssertIdentical(try XCTUnwrap(now[name]).fields, document.fields, name)
        }
        // The app's title stays; everything the migration added is gone, the rest is original.
        var expected = original[client.name(titled)]!.fields
        expected["title"] = "renamed by the app"
        XCTAssertIdentical(now[client.name(titled)]!.fields, expected, titled)
        // The app's skillsOffered stays; the other migration fields are undone.
        let reskilledNow = now[client.name(reskilled)]!.fields
        XCTAssertEqual(reskilledNow["skillsOffered"], ["Painting"])
        XCTAssertNil(reskilledNow["schemaVersion"])
        XCTAssertNil(reskilledNow["migratedAt"])
        XCTAssertEqual(reskilledNow["createdAt"], original[client.name(reskilled)]!.fields["createdAt"])

        let registry = try await MigrationRegistry(client: client).record(TradeYaV2.trades.id)
        XCTAssertEqual(registry?.status, "rolled-back")
        XCTAssertEqual(try engine.journal.run(id: executed.runID)?.status, .rolledBack)
        // A rollback of a rolled-back run finds nothing left to undo.
        let again = try await engine.rollback(plan, runID: executed.runID, who: "ana")
        XCTAssertEqual(again.counts.processed, 0)
    }

    func testAbortMidRunThenRollbackThenResumeAndValidate() async throws {
        let client = try await FirestoreEmulator.shared().newClient("midrun")
        try await EngineFixtures.seed(client, trades: 600, others: 0)
        let plan = try TradeYaV2.plan().only(TradeYaV2.trades.id)
        let original = try await EngineFixtures.snapshot(client, plan.collections)
        let engine = try EngineFixtures.engine(client) { $0.pageSize = 100 }

        // Abort after the second page.
        let control = RunControl(rateLimit: .unlimited)
        let pages = EventLog()
        do {
            _ = try await engine.execute(plan, who: "ana", control: control) { event in
                pages.record(event)
                if pages.all.count == 2 { Task { await control.abort() } }
            }
            XCTFail("the abort did not stop the run")
        } catch is MigrationAborted {}
        let aborted = try XCTUnwrap(engine.journal.latestRun(environment: "dev", kind: .execute))
        XCTAssertEqual(aborted.status, .aborted)
        XCTAssertLessThan(aborted.counts.processed, 600)
        XCTAssertGreaterThan(aborted.counts.migrated, 0)
        // The checkpoint is no further than the acknowledged writes.
        let checkpoint = try XCTUnwrap(engine.journal.checkpoint(runID: aborted.id, scope: "\(TradeYaV2.trades.id)/trades"))
        let counts = try engine.journal.entryCounts(runID: aborted.id)
        XCTAssertEqual(counts[.pending] ?? 0, 0)
        // The requests in flight at the abort landed and were journaled with their updateTimes.
        let applied = try engine.journal.entries(runID: aborted.id, limit: 10_000, states: [.applied])
        XCTAssertGreaterThan(applied.count, 0)
        XCTAssertTrue(applied.allSatisfy { $0.entry.writtenUpdateTime?.isEmpty == false })
        let afterCheckpoint = try await EngineFixtures.snapshot(client, ["trades"]).filter { $0.key > checkpoint }
        XCTAssertTrue(afterCheckpoint.values.allSatisfy { $0.fields["schemaVersion"] == nil })

        // Roll the half-done run back: every document is its original again.
        let rollback = try await engine.rollback(plan, who: "ana")
        XCTAssertEqual(rollback.counts.restored, aborted.counts.migrated)
        let restored = try await EngineFixtures.snapshot(client, plan.collections)
        for (name, document) in original { XCTAssertIdentical(try XCTUnwrap(restored[name]).fields, document.fields, name) }

        // A fresh execute then migrates everything and validates.
        let report = try await engine.execute(plan, who: "ana")
        XCTAssertEqual(report.counts.migrated, 480)
        let validation = try await engine.validate(plan)
        XCTAssertTrue(validation.passed, "\(validation.problems.prefix(3))")
    }

    /// An abort while a page's requests are in flight: they land and are journaled with their
    /// updateTimes, the writes not yet sent are not, and the resumed run finishes the page with
    /// exact counts.
    func testAnAbortInTheMiddleOfAPageJournalsWhatLandedAndResumesExactly() async throws {
        let client = try await FirestoreEmulator.shared().newClient("midpage")
        try await EngineFixtures.seed(client, trades: 400, others: 0)
        let plan = try TradeYaV2.plan().only(TradeYaV2.trades.id)
        // One page of 400 documents (320 to migrate), 20 writes a request, paced at 400 writes/s:
        // the page takes most of a second, and the abort comes once the first request is journaled.
        let engine = try EngineFixtures.engine(client) {
            $0.pageSize = 400
            $0.writesPerRequest = 20
            $0.requestsInFlight = 2
        }
        let control = RunControl(rateLimit: .fixed(opsPerSecond: 400))
        let journal = engine.journal
        let aborter = Task {
            while true {
                if let run = try journal.latestRun(environment: "dev", kind: .execute),
                   (try journal.entryCounts(runID: run.id)[.applied] ?? 0) > 0 { break }
                try await Task.sleep(nanoseconds: 5_000_000)
            }
            await control.abort()
        }
        do {
            _ = try await engine.execute(plan, who: "ana", control: control)
            XCTFail("the abort did not stop the run")
        } catch is MigrationAborted {}
        _ = try await aborter.value
        let aborted = try XCTUnwrap(engine.journal.latestRun(environment: "dev", kind: .execute))
        XCTAssertEqual(aborted.status, .aborted)
        XCTAssertNil(try engine.journal.checkpoint(runID: aborted.id, scope: "\(TradeYaV2.trades.id)/trades"), "the unfinished page moved the checkpoint")
        let counts = try engine.journal.entryCounts(runID: aborted.id)
        XCTAssertEqual(counts[.pending] ?? 0, 0, "an entry was left without knowing whether its write landed")
        let applied = try engine.journal.entries(runID: aborted.id, limit: 10_000, states: [.applied])
        XCTAssertGreaterThan(applied.count, 0, "nothing was in flight at the abort")
        XCTAssertLessThan(applied.count, 320, "the abort came after the page was done")
        let now = try await EngineFixtures.snapshot(client, ["trades"])
        for (_, entry) in applied {
            XCTAssertEqual(entry.writtenUpdateTime, now[entry.document]?.updateTime?.rfc3339, entry.document)
        }
        let migratedNow = now.values.filter { $0.fields["schemaVersion"] != nil }.count
        XCTAssertEqual(migratedNow, applied.count, "a write landed that the journal does not hold as applied")

        let resumed = try await engine.execute(plan, who: "ana")
        XCTAssertTrue(resumed.resumed)
        XCTAssertEqual(resumed.counts.processed, 400)
        XCTAssertEqual(resumed.counts.migrated, 320)
        XCTAssertEqual(resumed.counts.skipped, 0)
        let validation = try await engine.validate(plan)
        XCTAssertTrue(validation.passed, "\(validation.problems.prefix(3))")
        XCTAssertEqual(validation.journalChecked, 320)
    }

    func testAnAbortedRunResumesFromItsCheckpoint() async throws {
        let client = try await FirestoreEmulator.shared().newClient("resume")
        try await EngineFixtures.seed(client, trades: 500, others: 0)
        let plan = try TradeYaV2.plan().only(TradeYaV2.trades.id)
        let engine = try EngineFixtures.engine(client) { $0.pageSize = 100 }
        let control = RunControl(rateLimit: .unlimited)
        let events = EventLog()
        do {
            _ = try await engine.execute(plan, who: "ana", control: control) { event in
                events.record(event)
                if events.all.count == 1 { Task { await control.abort() } }
            }
            XCTFail("the abort did not stop the run")
        } catch is MigrationAborted {}
        let first = try XCTUnwrap(engine.journal.latestRun(environment: "dev", kind: .execute))

        let resumed = try await engine.execute(plan, who: "ana")
        XCTAssertTrue(resumed.resumed)
        XCTAssertEqual(resumed.runID, first.id)
        // No document processed twice, none skipped as already done by this run.
        XCTAssertEqual(resumed.counts.processed, 500)
        XCTAssertEqual(resumed.counts.migrated, 400)
        XCTAssertEqual(resumed.counts.skipped, 0)
        let validation = try await engine.validate(plan)
        XCTAssertTrue(validation.passed, "\(validation.problems.prefix(3))")
        XCTAssertEqual(validation.journalChecked, 400)
    }

    func testTheEmulatorStoppingMidRunGivesAClearErrorAndAResumableState() async throws {
        let emulator = try await FirestoreEmulator.launch()
        defer { emulator.stop() }
        let client = emulator.client(projectID: emulator.newProjectID("gone"), retry: RetryPolicy(maxAttempts: 2, initialBackoff: 0.05, maxBackoff: 0.1), timeout: 60)
        try await EngineFixtures.seed(client, trades: 400, others: 0)
        let plan = try TradeYaV2.plan().only(TradeYaV2.trades.id)
        let engine = try EngineFixtures.engine(client) { $0.pageSize = 50 }
        let events = EventLog()
        do {
            _ = try await engine.execute(plan, who: "ana") { event in
                events.record(event)
                if events.all.count == 2 { emulator.stop() }
            }
            XCTFail("the run went on without a database")
        } catch let error as FirestoreError {
            XCTAssertTrue([.unavailable, .deadlineExceeded, .unknown, .internal].contains(error.code), "\(error)")
            XCTAssertTrue("\(error)".contains(client.projectID), "\(error)")
        }
        let run = try XCTUnwrap(engine.journal.latestRun(environment: "dev", kind: .execute))
        XCTAssertEqual(run.status, .failed)
        XCTAssertNotNil(run.error)
        XCTAssertNotNil(try engine.journal.checkpoint(runID: run.id, scope: "\(TradeYaV2.trades.id)/trades"))
        // Every journaled write is either acknowledged or still pending (to be resolved on resume).
        let counts = try engine.journal.entryCounts(runID: run.id)
        XCTAssertEqual((counts[.applied] ?? 0), run.counts.migrated)
    }
}
