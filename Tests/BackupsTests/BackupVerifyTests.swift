import Digest
import Backups
import Firestore
import FirestoreTesting
import Foundation
import Gzip
import Testing

/// Verify against damage of every kind, each reported with its file (and line where there is one),
/// and counts compared at the backup's readTime on the real emulator.
@Suite(.enabled(if: FirestoreEmulator.isAvailable, "no Cloud Firestore emulator installed"))
struct BackupVerifyTests {
    /// A backup of 40 trades plus its file's location.
    private func backup(_ label: String) async throws -> (BackupFixture, BackupManifest, URL) {
        let fixture = try await BackupFixture(label)
        try await fixture.write((0..<40).map { ("trades/t\(String(format: "%02d", $0))", ["n": .integer(Int64($0)), "s": .string("trade \($0)")]) })
        let manifest = try await fixture.creator().create(fixture.options(["trades"]))
        let file = fixture.store.directory(environment: "dev", id: manifest.id).appendingPathComponent("trades.jsonl.gz")
        return (fixture, manifest, file)
    }

    @Test func intactBackupPassesAndAfterLaterWritesStillCountsAtItsReadTime() async throws {
        let (fixture, manifest, _) = try await backup("bk-verify-ok")
        try await fixture.write((40..<45).map { ("trades/t\($0)", ["n": .integer(Int64($0))]) })
        let report = try await fixture.verifier().verify(environment: "dev", id: manifest.id)
        #expect(report.passed, "\(report.findings)")
        #expect(report.countSource == .readTime)
        #expect(report.collections.first?.firestoreCount == 40, "counted at readTime, not the 45 live documents")
        #expect(fixture.store.verification(environment: "dev", id: manifest.id) == report, "stored as evidence")
        #expect(report.backupID == manifest.id && report.verifiedBy == "tests")

        // Outside the window the live count is used and drift is a note, not a failure.
        let narrow = PointInTimeWindow(retention: 60, source: "test window")
        let live = try await fixture.verifier(window: narrow).verify(environment: "dev", id: manifest.id)
        #expect(live.passed && live.countSource == .live)
        #expect(live.notes.contains { $0.contains("40 documents in the backup, 45 live") })
    }

    @Test func flippedByteFails() async throws {
        let (fixture, manifest, file) = try await backup("bk-verify-flip")
        var bytes = [UInt8](try Data(contentsOf: file))
        bytes[bytes.count / 2] ^= 0x20
        try Data(bytes).write(to: file)
        let report = try await fixture.verifier().verify(environment: "dev", id: manifest.id)
        #expect(!report.passed)
        #expect(report.findings.contains { $0.file == "trades.jsonl.gz" && $0.message.contains("SHA-256") })
        #expect(fixture.store.verification(environment: "dev", id: manifest.id)?.outcome == .failed)
    }

    @Test func truncatedFileFails() async throws {
        let (fixture, manifest, file) = try await backup("bk-verify-trunc")
        let data = try Data(contentsOf: file)
        try data.prefix(data.count - 9).write(to: file)
        let report = try await fixture.verifier().verify(environment: "dev", id: manifest.id)
        #expect(!report.passed)
        #expect(report.findings.contains { $0.file == "trades.jsonl.gz" && $0.message.contains("cut short") })
    }

    @Test func removedLineFailsEvenWhenTheManifestIsMadeToAgree() async throws {
        let (fixture, manifest, file) = try await backup("bk-verify-removed")
        var lines = try readLines(file)
        lines.remove(at: 7)
        try writeLines(lines, to: file)
        let plain = try await fixture.verifier().verify(environment: "dev", id: manifest.id)
        #expect(!plain.passed)
        #expect(plain.findings.contains { $0.message.contains("39 lines but the manifest counts 40") })

        // Someone "fixes" the manifest to match the shortened file: only Firestore can tell.
        try rewriteManifest(fixture, manifest.id, file: file) { entry in
            entry.documentCount = 39
            entry.countsByParent["trades"] = 39
        }
        let report = try await fixture.verifier().verify(environment: "dev", id: manifest.id)
        #expect(!report.passed)
        #expect(report.findings.map(\.message) == ["trades: 39 documents in the backup but Firestore counts 40 at readTime \(manifest.readTime)"])
    }

    @Test func changedCountFails() async throws {
        let (fixture, manifest, file) = try await backup("bk-verify-count")
        try rewriteManifest(fixture, manifest.id, file: file) { $0.documentCount = 41 }
        let report = try await fixture.verifier().verify(environment: "dev", id: manifest.id)
        #expect(!report.passed)
        #expect(report.findings.contains { $0.file == "trades.jsonl.gz" && $0.message == "40 lines but the manifest counts 41 documents" })
    }

    @Test func damagedLineIsReportedWithItsNumber() async throws {
        let (fixture, manifest, file) = try await backup("bk-verify-line")
        var lines = try readLines(file)
        lines[11] = String(lines[11].dropLast(2))
        lines[20] = lines[20].replacingOccurrences(of: "/documents/trades/", with: "/documents/users/")
        try writeLines(lines, to: file)
        try rewriteManifest(fixture, manifest.id, file: file) { _ in }
        let report = try await fixture.verifier().verify(environment: "dev", id: manifest.id)
        #expect(!report.passed)
        #expect(report.findings.contains { $0.file == "trades.jsonl.gz" && $0.line == 12 && $0.message.contains("not a Firestore document") })
        #expect(report.findings.contains { $0.line == 21 && $0.message.contains("is not under") })
    }

    @Test func missingBackupIsAUsageError() async throws {
        let fixture = try await BackupFixture("bk-verify-missing")
        do {
            _ = try await fixture.verifier().verify(environment: "dev", id: "20990101T000000Z-000000")
            Issue.record("expected an error")
        } catch let error as BackupError {
            #expect(error.kind == .usage)
            #expect(error.description.contains("backup list --env dev"))
        }
    }

    private func readLines(_ file: URL) throws -> [String] {
        let text = String(decoding: try Gzip.decompress([UInt8](try Data(contentsOf: file))), as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    private func writeLines(_ lines: [String], to file: URL) throws {
        try Data(try Gzip.compress(Array((lines.joined(separator: "\n") + "\n").utf8))).write(to: file)
    }

    /// Makes the manifest agree with the file's new checksum and size, then applies `change`.
    private func rewriteManifest(_ fixture: BackupFixture, _ id: String, file: URL,
                                 _ change: (inout BackupManifest.CollectionEntry) -> Void) throws {
        var manifest = try fixture.store.manifest(environment: "dev", id: id)
        let bytes = [UInt8](try Data(contentsOf: file))
        manifest.collections[0].sha256 = SHA256.hex(of: bytes)
        manifest.collections[0].byteSize = Int64(bytes.count)
        change(&manifest.collections[0])
        let url = fixture.store.directory(environment: "dev", id: id).appendingPathComponent("manifest.json")
        try manifest.jsonData().write(to: url)
    }
}
