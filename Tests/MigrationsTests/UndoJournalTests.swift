import XCTest
@testable import Migrations

final class UndoJournalTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func makeJournal() throws -> UndoJournal {
        try UndoJournal(path: directory.appendingPathComponent("state/journal.sqlite").path)
    }

    func entry(_ id: String, before: [String: String] = ["createdAt": #"{"stringValue":"2024-03-01T10:00:00Z"}"#]) -> JournalEntry {
        JournalEntry(document: "projects/p/databases/(default)/documents/trades/\(id)", migrationID: "m1",
                     fields: ["createdAt", "createdAtLegacy", "schemaVersion"], before: before,
                     after: ["schemaVersion": #"{"integerValue":"2"}"#], serverTimestampFields: ["migratedAt"],
                     readUpdateTime: "2026-11-26T00:00:00.000001Z")
    }

    func testRunsAreStoredAndTheLatestFound() throws {
        let journal = try makeJournal()
        var first = RunRecord(id: "run-a", kind: .execute, environment: "staging", projectID: "p", planChecksum: "c1",
                              migrationIDs: ["m1"], who: "ana", startedAt: Date(timeIntervalSince1970: 1000))
        try journal.startRun(first)
        let second = RunRecord(id: "run-b", kind: .execute, environment: "staging", projectID: "p", planChecksum: "c1",
                               migrationIDs: ["m1"], who: "ana", startedAt: Date(timeIntervalSince1970: 2000))
        try journal.startRun(second)
        XCTAssertEqual(try journal.latestRun(environment: "staging", kind: .execute)?.id, "run-b")
        XCTAssertNil(try journal.latestRun(environment: "production", kind: .execute))
        first.status = .completed
        first.counts.migrated = 7
        try journal.updateRun(first)
        XCTAssertEqual(try journal.run(id: "run-a"), first)
    }

    func testPendingThenAppliedWithCheckpointInOneStep() throws {
        let journal = try makeJournal()
        try journal.startRun(RunRecord(id: "r", kind: .execute, environment: "dev", projectID: "p", planChecksum: "c", migrationIDs: ["m1"], who: "t"))
        let a = entry("a"), b = entry("b", before: [:])
        try journal.recordPending(runID: "r", [a, b])
        XCTAssertEqual(try journal.entry(runID: "r", document: a.document)?.state, .pending)
        XCTAssertNil(try journal.checkpoint(runID: "r", scope: "trades"))

        try journal.markApplied(runID: "r", [a.document: "t1", b.document: "t2"], checkpoint: ("trades", b.document))
        let stored = try XCTUnwrap(journal.entry(runID: "r", document: b.document))
        XCTAssertEqual(stored.state, .applied)
        XCTAssertEqual(stored.writtenUpdateTime, "t2")
        XCTAssertEqual(stored.before, [:])
        XCTAssertEqual(try journal.checkpoint(runID: "r", scope: "trades"), b.document)
        XCTAssertEqual(try journal.entryCounts(runID: "r"), [.applied: 2])
    }

    func testAnAppliedEntryIsNeverReplacedButAPendingOneIs() throws {
        let journal = try makeJournal()
        try journal.startRun(RunRecord(id: "r", kind: .execute, environment: "dev", projectID: "p", planChecksum: "c", migrationIDs: ["m1"], who: "t"))
        try journal.recordPending(runID: "r", [entry("a"), entry("b")])
        try journal.markApplied(runID: "r", [entry("a").document: "t1"])
        // A re-read after a conflict journals the newer before-image of b; a stray re-journal of a is ignored.
        let newerB = entry("b", before: ["createdAt": #"{"stringValue":"changed"}"#])
        try journal.recordPending(runID: "r", [newerB, entry("a", before: [:])])
        XCTAssertEqual(try journal.entry(runID: "r", document: newerB.document)?.before, newerB.before)
        XCTAssertEqual(try journal.entry(runID: "r", document: entry("a").document)?.before, entry("a").before)
        XCTAssertEqual(try journal.entry(runID: "r", document: entry("a").document)?.state, .applied)
    }

    func testLandedWithoutAcknowledgementKeepsNoUpdateTime() throws {
        let journal = try makeJournal()
        try journal.startRun(RunRecord(id: "r", kind: .execute, environment: "dev", projectID: "p", planChecksum: "c", migrationIDs: ["m1"], who: "t"))
        try journal.recordPending(runID: "r", [entry("a"), entry("b")])
        try journal.markLandedWithoutAcknowledgement(runID: "r", documents: [entry("a").document])
        try journal.markFailed(runID: "r", documents: [entry("b").document])
        let a = try XCTUnwrap(journal.entry(runID: "r", document: entry("a").document))
        XCTAssertEqual(a.state, .applied)
        XCTAssertNil(a.writtenUpdateTime)
        XCTAssertEqual(try journal.entryCounts(runID: "r"), [.applied: 1, .failed: 1])
    }

    func testSurvivesReopeningAndPagesInOrder() throws {
        do {
            let journal = try makeJournal()
            try journal.startRun(RunRecord(id: "r", kind: .execute, environment: "dev", projectID: "p", planChecksum: "c", migrationIDs: ["m1"], who: "t"))
            try journal.recordPending(runID: "r", (0..<25).map { entry(String(format: "d%02d", $0)) })
        }
        let reopened = try makeJournal()
        let firstPage = try reopened.entries(runID: "r", limit: 10)
        XCTAssertEqual(firstPage.map { String($0.entry.document.suffix(3)) }, (0..<10).map { String(format: "d%02d", $0) })
        let rest = try reopened.entries(runID: "r", afterSeq: firstPage.last!.seq, limit: 100)
        XCTAssertEqual(rest.count, 15)
        XCTAssertEqual(try reopened.entries(runID: "r", states: [.applied]).count, 0)
    }

    func testUnwritableLocationIsAClearError() {
        XCTAssertThrowsError(try UndoJournal(path: "/proc/no-such-place/journal.sqlite")) { error in
            XCTAssertTrue("\(error)".contains("/proc/no-such-place"), "\(error)")
        }
    }

    /// Rows are JSON with the Codable keys: a row written by Foundation's encoder reads back, and
    /// the fast codec round-trips every field, escapes included.
    func testEntryJSONMatchesTheCodableForm() throws {
        var entry = JournalEntry(document: "projects/p/databases/(default)/documents/trades/\"odd\\id\"", migrationID: "m",
                                 fields: ["a", "`b.c`"], before: ["a": #"{"stringValue":"é\n"}"#], after: ["`b.c`": #"{"integerValue":"1"}"#],
                                 serverTimestampFields: ["migratedAt"], readUpdateTime: "2026-01-01T00:00:00.000001Z")
        XCTAssertEqual(try JournalEntry(jsonText: entry.jsonText), entry)
        entry.state = .applied
        entry.writtenUpdateTime = "2026-01-01T00:00:01Z"
        XCTAssertEqual(try JournalEntry(jsonText: entry.jsonText), entry)
        XCTAssertEqual(try JournalEntry(jsonText: try UndoJournal.encode(entry)), entry)
        XCTAssertEqual(try UndoJournal.decode(JournalEntry.self, entry.jsonText), entry)
        XCTAssertThrowsError(try JournalEntry(jsonText: #"{"document": 1}"#))
    }
}
