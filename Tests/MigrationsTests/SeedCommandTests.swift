import Firestore
import FirestoreTesting
import Foundation
import XCTest
@testable import Migrations

/// `runbook seed` end to end: the real binary against the emulator.
final class SeedCommandTests: XCTestCase {
    override func setUp() async throws {
        try XCTSkipUnless(FirestoreEmulator.isAvailable, "no Cloud Firestore emulator installed")
    }

    func testSeedsAnUnprotectedEnvironmentAndRefusesAProtectedOne() async throws {
        _ = try EngineCrashResumeTests.runbookBinary()
        let emulator = try await FirestoreEmulator.shared()
        let client = emulator.newClient("seedcmd")
        let folder = NSTemporaryDirectory() + "seedcmd-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = folder + "/runbook.yaml"
        try """
            environments:
              scratch:
                project: \(client.projectID)
                emulator: \(emulator.host)
                protected: false
              guarded:
                project: \(client.projectID)-guarded
                emulator: \(emulator.host)
                protected: true

            """.write(toFile: config, atomically: true, encoding: .utf8)

        let seeded = try RunbookExecutable.run(["seed", "--config", config, "--env", "scratch", "--trades", "120",
                                      "--conversations", "30", "--notifications", "40", "--seed", "5", "--anomaly-every", "10", "--json"])
        XCTAssertEqual(seeded.status, 0, seeded.stderr)
        let report = try JSON.parse(seeded.stdout)
        XCTAssertEqual(report["documents"]?.int64Value, 190)
        XCTAssertEqual(report["seed"]?.int64Value, 5)
        let expected = LegacyDataGenerator(seed: 5, anomalyEvery: 10)
        XCTAssertEqual(report["anomalies"]?["trades"]?["creatorMissing"]?.int64Value,
                       Int64(expected.census(.trades, count: 120)[.creatorMissing] ?? 0))
        let trades = try await client.count(StructuredQuery(collection: "trades"))
        let conversations = try await client.count(StructuredQuery(collection: "conversations"))
        let notifications = try await client.count(StructuredQuery(collection: "notifications"))
        XCTAssertEqual([trades, conversations, notifications], [120, 30, 40])
        let sample = expected.document(.conversations, at: 17)
        let stored = try await client.get(sample.path)
        XCTAssertTrue(Value.map(try XCTUnwrap(stored).fields).isIdentical(to: .map(sample.fields)))

        let refused = try RunbookExecutable.run(["seed", "--config", config, "--env", "guarded", "--trades", "5"])
        XCTAssertEqual(refused.status, 3)
        XCTAssertTrue(refused.stderr.contains("guarded is protected"), refused.stderr)
        let untouched = try await emulator.client(projectID: client.projectID + "-guarded").count(StructuredQuery(collection: "trades"))
        XCTAssertEqual(untouched, 0)

        let bad = try RunbookExecutable.run(["seed", "--config", config, "--env", "scratch", "--trades", "20000000"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("--trades must be between 0 and"), bad.stderr)
    }
}
