import Firestore
import FirestoreTesting
import Foundation
import XCTest
@testable import Migrations

/// Runs the real `runbook` binary, kills it with SIGKILL at random moments, reruns the same command,
/// then checks that no document was lost or changed twice, and that a rollback restores them all.
final class EngineCrashResumeTests: XCTestCase {
    override func setUp() async throws {
        try XCTSkipUnless(FirestoreEmulator.isAvailable, "no Cloud Firestore emulator installed")
    }

    /// The `runbook` executable built beside this test bundle; under CI its absence is a failure.
    static func runbookBinary() throws -> URL {
        if let url = RunbookExecutable.url { return url }
        if FirestoreEmulator.isCI { throw RunbookExecutable.Missing() }
        throw XCTSkip("the runbook executable is not built next to the tests (swift build --product runbook)")
    }

    func testKilledRunsResumeWithoutLossOrDoubleChangeAndRollBackExactly() async throws {
        _ = try Self.runbookBinary()
        let emulator = try await FirestoreEmulator.shared()
        let client = emulator.newClient("crash")
        try await EngineFixtures.seed(client, trades: 1000, others: 0)
        let original = try await EngineFixtures.snapshot(client, ["trades"])
        let state = NSTemporaryDirectory() + "crash-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let config = state + "/runbook.yaml"
        try "environments:\n  crash:\n    project: \(client.projectID)\n    emulator: \(emulator.host)\n    protected: false\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let arguments = ["--config", config, "--env", "crash", "--state-dir", state, "--json"]
        let migrate = ["migrate", "--execute", "--migration", TradeYaV2.trades.id] + arguments

        var kills = 0
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3 {
            let process = try RunbookExecutable.start(migrate)
            try await Task.sleep(nanoseconds: UInt64.random(in: 400_000_000...2_500_000_000, using: &generator))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
        }
        let last = try RunbookExecutable.start(migrate)
        last.waitUntilExit()
        XCTAssertEqual(last.terminationStatus, 0, "the final run failed")
        XCTAssertGreaterThan(kills, 0, "no run was killed: the test proved nothing")

        let journal = try UndoJournal(path: state + "/journal.sqlite")
        let runs = try journal.runs(environment: "crash", kind: .execute)
        XCTAssertEqual(runs.count, 1, "a killed run was not resumed but started again")
        let run = try XCTUnwrap(runs.first)
        XCTAssertEqual(run.status, .completed)

        let migrated = try await EngineFixtures.snapshot(client, ["trades"])
        XCTAssertEqual(migrated.count, original.count)
        var unknownAcknowledgement = 0
        for (name, before) in original {
            let after = try XCTUnwrap(migrated[name])
            let outcome = TradeYaV2.trades.up(Document(name: name, fields: before.fields))
            guard case .migrate(let change) = outcome else {
                XCTAssertIdentical(after.fields, before.fields, "anomaly \(name) was touched")
                continue
            }
            // Nothing lost: every original field not rewritten by the change is byte-identical.
            let rewritten = Set(change.touchedPaths.compactMap(\.segments.first))
            for (field, value) in before.fields where !rewritten.contains(field) {
                XCTAssertTrue(after.fields[field].map { $0.isIdentical(to: value) } ?? false, "\(name).\(field) lost")
            }
            // Exactly the change, exactly once: one journal entry, whose write is the last one.
            let entry = try XCTUnwrap(journal.entry(runID: run.id, document: name), "\(name) has no journal entry")
            XCTAssertEqual(entry.state, .applied, name)
            if let written = entry.writtenUpdateTime {
                XCTAssertEqual(written, after.updateTime?.rfc3339, "\(name) was written again after its journaled write")
            } else {
                unknownAcknowledgement += 1
            }
            XCTAssertEqual(TradeYaV2.trades.validate(after), .valid, name)
        }
        // Acknowledgements are journaled per response: a kill loses at most those in flight.
        let defaults = EngineOptions()
        XCTAssertLessThanOrEqual(unknownAcknowledgement, kills * defaults.requestsInFlight * defaults.writesPerRequest,
                                 "more writes without a recorded acknowledgement than requests in flight at the kills")

        let rollback = try RunbookExecutable.start(["rollback"] + arguments)
        rollback.waitUntilExit()
        XCTAssertEqual(rollback.terminationStatus, 0)
        let restored = try await EngineFixtures.snapshot(client, ["trades"])
        for (name, before) in original { XCTAssertIdentical(try XCTUnwrap(restored[name]).fields, before.fields, name) }
    }
}
