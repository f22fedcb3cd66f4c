import Firestore
import FirestoreTesting
import Foundation
import XCTest

/// `runbook indexes diff | deploy | verify` end to end: the binary against the Admin API stand-in,
/// its exit codes (0 in sync, 1 not, 2 a broken file) and what it prints about field overrides.
final class IndexesCommandLineTests: XCTestCase {
    private var standIn: AdminStandIn!
    private var directory: URL!

    override func setUp() async throws {
        guard RunbookExecutable.url != nil else { throw XCTSkip("the runbook binary is not built beside the tests") }
        standIn = try await AdminStandIn.start(buildSeconds: 0.3)
        try await standIn.config(["fieldUpdateSeconds": .number("0.3")])
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("indexes-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try """
        environments:
          staging:
            project: cli-staging
            credentials:
              accessTokenEnv: RUNBOOK_TEST_ADMIN_TOKEN
            adminEndpoint: \(standIn.server.baseURL.absoluteString)
          production:
            project: cli-production
            credentials:
              accessTokenEnv: RUNBOOK_TEST_ADMIN_TOKEN
            adminEndpoint: \(standIn.server.baseURL.absoluteString)
          dev:
            project: cli-dev
            emulator: 127.0.0.1:9
        """.write(to: directory.appendingPathComponent("runbook.yaml"), atomically: true, encoding: .utf8)
    }

    override func tearDown() async throws {
        standIn?.server.stop()
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    private func indexes(_ arguments: [String], indexFile: String = RepoFiles.indexFilePath) throws -> RunbookExecutable.Run {
        try RunbookExecutable.run(["indexes"] + arguments + [
            "--config", directory.appendingPathComponent("runbook.yaml").path,
            "--index-file", indexFile, "--queries-file", RepoFiles.queriesFilePath,
        ], environment: ["RUNBOOK_TEST_ADMIN_TOKEN": "cli-token"])
    }

    func testDiffDeployVerifyExitCodesAndFieldOverrideLines() throws {
        let before = try indexes(["diff", "--env", "staging"])
        XCTAssertEqual(before.status, 1, before.stderr)
        XCTAssertTrue(before.stdout.contains("missing      field override trades.migratedAt (not indexed)"), before.stdout)
        XCTAssertTrue(before.stdout.contains("field overrides: 0 applied, 0 applying, 3 missing"), before.stdout)

        let deployed = try indexes(["deploy", "--env", "staging", "--wait", "--poll-interval", "0.2", "--timeout", "60"])
        XCTAssertEqual(deployed.status, 0, deployed.stderr)
        XCTAssertTrue(deployed.stdout.contains("field overrides: 3 updated, 0 unchanged, 0 reset, 0 extra left alone; ready: all 5 indexes READY and 3 field overrides applied"),
                      deployed.stdout)
        XCTAssertTrue(deployed.stderr.contains("[staging] updating field override conversations.migratedAt (not indexed)"), deployed.stderr)

        let verified = try indexes(["verify", "--env", "staging", "--json"])
        XCTAssertEqual(verified.status, 0, verified.stderr)
        let json = try JSON.parse(Data(verified.stdout.utf8))
        XCTAssertEqual(json["status"]?.stringValue, "ready")
        XCTAssertEqual(json["fieldOverrides"]?.arrayValue?.compactMap { $0["status"]?.stringValue }, ["applied", "applied", "applied"])
        XCTAssertEqual(json["fieldOverrides"]?.arrayValue?.first?["name"]?.stringValue,
                       "projects/cli-staging/databases/(default)/collectionGroups/trades/fields/migratedAt")

        let after = try indexes(["diff", "--env", "staging", "--json"])
        XCTAssertEqual(after.status, 0, after.stderr)
        XCTAssertEqual(try JSON.parse(Data(after.stdout.utf8))["fieldOverrides"]?.arrayValue?.count, 3)
    }

    func testAFailedFieldUpdateExitsOneAndLaterEnvironmentsAreNotTouched() async throws {
        try await standIn.config(["failNextFieldUpdates": .number("1")])
        let run = try indexes(["deploy", "--env", "staging,production", "--wait", "--poll-interval", "0.2", "--timeout", "60"])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("the last update failed: updating the indexes of projects/cli-staging/databases/(default)/collectionGroups/"), run.stderr)
        XCTAssertTrue(run.stderr.contains("[staging] failed: later environments were not touched"), run.stderr)
        let production = try await standIn.admin(project: "cli-production").listFieldOverrides()
        XCTAssertEqual(production, [])
    }

    func testADriftedOverrideFailsVerifyAndTheEmulatorAndABrokenFileKeepTheirCodes() async throws {
        _ = try await standIn.server.control("/control/seed-field", [
            "name": .string("projects/cli-staging/databases/(default)/collectionGroups/trades/fields/migratedAt"),
            "indexes": .array([.object(["queryScope": .string("COLLECTION"),
                                        "fields": .array([.object(["fieldPath": .string("migratedAt"), "order": .string("ASCENDING")])])])]),
        ])
        let drift = try indexes(["verify", "--env", "staging"])
        XCTAssertEqual(drift.status, 1)
        XCTAssertTrue(drift.stdout.contains("differs      field override trades.migratedAt (not indexed)\n      index ASC COLLECTION: deployed, not in the file"),
                      drift.stdout)

        let emulator = try indexes(["verify", "--env", "dev", "--json"])
        XCTAssertEqual(emulator.status, 0, emulator.stderr)
        XCTAssertEqual(try JSON.parse(Data(emulator.stdout.utf8))["status"]?.stringValue, "not_applicable")

        let broken = directory.appendingPathComponent("broken.json")
        try #"{"indexes": [], "fieldOverrides": [{"collectionGroup": "trades", "fieldPath": "migratedAt"}]}"#
            .write(to: broken, atomically: true, encoding: .utf8)
        let refused = try indexes(["deploy", "--env", "staging"], indexFile: broken.path)
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("missing \"indexes\""), refused.stderr)
        let patches = try await standIn.server.requests().filter { $0.method == "PATCH" }
        XCTAssertEqual(patches.count, 0, "nothing is deployed from a broken file")
    }
}
