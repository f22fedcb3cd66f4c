import Backups
import Firestore
import FirestoreTesting
import Foundation
import Testing

/// The `runbook` binary end to end (built next to this test bundle by `swift test`): exit codes,
/// `--json`, and a `kill -9` in the middle of `backup create`.
@Suite(.enabled(if: FirestoreEmulator.isAvailable && RunbookExecutable.isAvailable, "no emulator, or the runbook binary is not built"))
struct BackupCommandLineTests {
    /// A config with `src` and `dst` environments on fresh emulator projects, 1,000 trades in `src`.
    private func setUp(_ label: String) async throws -> (BackupFixture, FirestoreClient, URL) {
        let fixture = try await BackupFixture(label)
        try await fixture.write((0..<1000).map { ("trades/t\(String(format: "%04d", $0))", ["n": .integer(Int64($0)), "pad": .string(String(repeating: "x", count: 200))]) })
        let destination = fixture.emulator.newClient(label + "-dst")
        let config = fixture.directory.url.appendingPathComponent("runbook.yaml")
        try """
        environments:
          src:
            project: \(fixture.client.projectID)
            emulator: \(fixture.emulator.host)
          dst:
            project: \(destination.projectID)
            emulator: \(fixture.emulator.host)
        """.write(to: config, atomically: true, encoding: .utf8)
        return (fixture, destination, config)
    }

    private func runbook(_ fixture: BackupFixture, _ config: URL, _ arguments: [String]) throws -> RunbookExecutable.Run {
        try RunbookExecutable.run(arguments + ["--config", config.path, "--backup-dir", fixture.directory.url.appendingPathComponent("backups").path])
    }

    @Test func createVerifyRestoreWithExitCodes() async throws {
        let (fixture, destination, config) = try await setUp("bk-cli")
        let created = try runbook(fixture, config, ["backup", "create", "--env", "src", "--json"])
        #expect(created.status == 0, "\(created.stderr)")
        let manifest = try JSONDecoder().decode(BackupManifest.self, from: Data(created.stdout.utf8))
        #expect(manifest.totalDocuments == 1000 && manifest.environment == "src")
        #expect(created.stderr.contains("complete: 1000 documents"))

        let verified = try runbook(fixture, config, ["backup", "verify", "--env", "src", manifest.id])
        #expect(verified.status == 0 && verified.stdout.contains("PASSED"), "\(verified.stdout)\(verified.stderr)")
        let listed = try runbook(fixture, config, ["backup", "list", "--env", "src"])
        #expect(listed.status == 0 && listed.stdout.contains(manifest.id) && listed.stdout.contains("verified: passed"))

        let restored = try runbook(fixture, config, ["backup", "restore", "--env", "src", manifest.id, "--into", "dst", "--json"])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(restored.stdout.contains("\"created\":1000"))
        #expect(try await destination.count(StructuredQuery(collection: "trades")) == 1000)

        // Live data that differs: refused (3) without --overwrite, listed by --dry-run (0).
        _ = try await destination.commit([.set("trades/t0007", ["n": .integer(-1)])])
        let refused = try runbook(fixture, config, ["backup", "restore", "--env", "src", manifest.id, "--into", "dst"])
        #expect(refused.status == 3 && refused.stderr.contains("1 live document(s) differ"), "\(refused.stderr)")
        let dryRun = try runbook(fixture, config, ["backup", "restore", "--env", "src", manifest.id, "--into", "dst", "--dry-run"])
        #expect(dryRun.status == 0 && dryRun.stdout.contains("differs: \(destination.name("trades/t0007"))"))

        // Damage: verify fails (1) saying where; an unknown ID is a usage error (2).
        let file = fixture.directory.url.appendingPathComponent("backups/src/\(manifest.id)/trades.jsonl.gz")
        var bytes = [UInt8](try Data(contentsOf: file))
        bytes[bytes.count - 20] ^= 0xff
        try Data(bytes).write(to: file)
        let damaged = try runbook(fixture, config, ["backup", "verify", "--env", "src", manifest.id])
        #expect(damaged.status == 1 && damaged.stdout.contains("FAIL trades.jsonl.gz"), "\(damaged.stdout)")
        let unknown = try runbook(fixture, config, ["backup", "verify", "--env", "src", "20990101T000000Z-000000"])
        #expect(unknown.status == 2 && unknown.stderr.contains("no finished backup"))
        let restoreDamaged = try runbook(fixture, config, ["backup", "restore", "--env", "src", manifest.id, "--into", "dst", "--overwrite"])
        #expect(restoreDamaged.status == 1 && restoreDamaged.stderr.contains("does not match the manifest"))
    }

    @Test func protectedTargetNeedsItsNameTypedAndExtrasAreNamedOrDeleted() async throws {
        let (fixture, destination, config) = try await setUp("bk-cli-protected")
        try """
        environments:
          src:
            project: \(fixture.client.projectID)
            emulator: \(fixture.emulator.host)
          dst:
            project: \(destination.projectID)
            emulator: \(fixture.emulator.host)
            protected: true
        """.write(to: config, atomically: true, encoding: .utf8)
        let created = try runbook(fixture, config, ["backup", "create", "--env", "src", "--json"])
        let manifest = try JSONDecoder().decode(BackupManifest.self, from: Data(created.stdout.utf8))
        _ = try await destination.commit([.set("trades/extra-1", ["late": .boolean(true)]), .set("trades/extra-2", ["late": .boolean(true)])])
        let restore = ["backup", "restore", "--env", "src", manifest.id, "--into", "dst"]

        let refused = try runbook(fixture, config, restore)
        #expect(refused.status == 3 && refused.stderr.contains("'dst' is a protected environment")
                && refused.stderr.contains("--confirm-protected dst"), "\(refused.stderr)")
        let mistyped = try runbook(fixture, config, restore + ["--confirm-protected", "src"])
        #expect(mistyped.status == 3 && mistyped.stderr.contains("does not match the target 'dst'"), "\(mistyped.stderr)")
        #expect(try await destination.count(StructuredQuery(collection: "trades")) == 2, "refusals write nothing")

        let dryRun = try runbook(fixture, config, restore + ["--dry-run"])
        #expect(dryRun.status == 0 && dryRun.stdout.contains("would create 1000")
                && dryRun.stdout.contains("2 not in the backup would be left")
                && dryRun.stdout.contains("not in backup: \(destination.name("trades/extra-1"))"), "\(dryRun.stdout)\(dryRun.stderr)")
        let needsOverwrite = try runbook(fixture, config, restore + ["--confirm-protected", "dst", "--delete-extras"])
        #expect(needsOverwrite.status == 2 && needsOverwrite.stderr.contains("--delete-extras needs --overwrite"), "\(needsOverwrite.stderr)")

        let kept = try runbook(fixture, config, restore + ["--confirm-protected", "dst"])
        #expect(kept.status == 0 && kept.stdout.contains("1000 created") && kept.stdout.contains("2 not in the backup left in place"),
                "\(kept.stdout)\(kept.stderr)")
        let deleted = try runbook(fixture, config, restore + ["--confirm-protected", "dst", "--overwrite", "--delete-extras", "--json"])
        let report = try JSONDecoder().decode(RestoreReport.self, from: Data(deleted.stdout.utf8))
        #expect(deleted.status == 0 && report.extras == 2 && report.extrasDeleted == 2 && report.identical == 1000, "\(deleted.stderr)")
        #expect(try await destination.count(StructuredQuery(collection: "trades")) == 1000)
    }

    @Test func killDashNineDuringCreateLeavesNoFinishedLookingBackup() async throws {
        let (fixture, _, config) = try await setUp("bk-kill")
        let environmentDirectory = fixture.directory.url.appendingPathComponent("backups/src")
        let process = try RunbookExecutable.start(["backup", "create", "--env", "src", "--page-size", "5", "--config", config.path,
                                                "--backup-dir", fixture.directory.url.appendingPathComponent("backups").path])
        // Wait until the collection file is being written, then kill without warning.
        let deadline = Date().addingTimeInterval(60)
        var sawPartial = false
        while Date() < deadline, process.isRunning {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: environmentDirectory.path)) ?? []
            if let partial = names.first(where: { $0.hasPrefix(".partial-") }),
               FileManager.default.fileExists(atPath: environmentDirectory.appendingPathComponent(partial).appendingPathComponent("trades.jsonl.gz").path) {
                sawPartial = true
                try await Task.sleep(nanoseconds: 200_000_000)
                break
            }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        #expect(sawPartial && process.isRunning, "the backup must be caught mid-way")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)

        let names = try FileManager.default.contentsOfDirectory(atPath: environmentDirectory.path)
        #expect(names.allSatisfy { $0.hasPrefix(".partial-") }, "only a hidden partial directory may remain: \(names)")
        let listed = try runbook(fixture, config, ["backup", "list", "--env", "src", "--json"])
        #expect(listed.status == 0 && listed.stdout.contains("\"backups\":[]"))
        #expect(listed.stderr.contains("unfinished backup"))
        let store = BackupStore(root: fixture.directory.url.appendingPathComponent("backups"))
        #expect(store.list(environment: "src").backups.isEmpty)

        let again = try runbook(fixture, config, ["backup", "create", "--env", "src"])
        #expect(again.status == 0 && store.list(environment: "src").backups.count == 1)
    }
}
