import Digest
import Backups
import Firestore
import FirestoreTesting
import Gzip
import Foundation
import Testing

/// Restore and the documents a backup does not hold (extras), and protected targets.
@Suite(.enabled(if: FirestoreEmulator.isAvailable, "no Cloud Firestore emulator installed"))
struct BackupRestoreExtrasTests {
    /// 30 trades, every third with two messages; backed up with subcollections; then 3 extras appear
    /// (two trades and a message) and one trade changes.
    private func setUp(_ label: String) async throws -> (BackupFixture, BackupManifest, [String]) {
        let fixture = try await BackupFixture(label)
        var documents: [(path: String, fields: [String: Value])] = []
        for i in 0..<30 {
            documents.append(("trades/t\(String(format: "%02d", i))", ["v": .integer(Int64(i))]))
            if i % 3 == 0 { for m in 0..<2 { documents.append(("trades/t\(String(format: "%02d", i))/messages/m\(m)", ["m": .integer(Int64(m))])) } }
        }
        try await fixture.write(documents)
        let manifest = try await fixture.creator().create(fixture.options(["trades"], subcollections: true))
        let extras = ["trades/new-a", "trades/t03/messages/late", "trades/zz-new"]
        try await fixture.write(extras.map { ($0, ["late": .boolean(true)]) } + [("trades/t05", ["v": .integer(-5)])])
        return (fixture, manifest, extras)
    }

    @Test func dryRunAndPlainRestoreNameTheExtrasAndLeaveThem() async throws {
        let (fixture, manifest, extras) = try await setUp("bk-extras-left")
        let restorer = BackupRestorer(store: fixture.store, target: FirestoreRestoreWriter(fixture.client))
        let names = Set(extras.map(fixture.client.name))

        var dryRunOptions = BackupRestorer.Options(environment: "dev", id: manifest.id, dryRun: true, overwrite: true)
        dryRunOptions.deleteExtras = true
        let dryRun = try await restorer.restore(dryRunOptions)
        #expect(dryRun.extras == 3 && dryRun.extrasDeleted == 0 && Set(dryRun.extraExamples) == names)
        #expect(dryRun.overwritten == 1 && dryRun.identical == manifest.totalDocuments - 1)
        for path in extras { #expect(try await fixture.client.get(path) != nil, "a dry run deletes nothing") }

        let plain = try await restorer.restore(.init(environment: "dev", id: manifest.id, overwrite: true))
        #expect(plain.overwritten == 1 && plain.extras == 3 && plain.extrasDeleted == 0 && plain.failed == 0)
        #expect(Set(plain.extraExamples) == names)
        for path in extras { #expect(try await fixture.client.get(path) != nil, "extras stay without --delete-extras") }
        #expect(try await fixture.client.get("trades/t05")?.fields["v"] == .integer(5))
    }

    @Test func deleteExtrasPutsTheCollectionBackExactlyAndNeedsOverwrite() async throws {
        let (fixture, manifest, _) = try await setUp("bk-extras-delete")
        let before = try await allDocuments(fixture.client, readTime: Timestamp(rfc3339: manifest.readTime))
        let restorer = BackupRestorer(store: fixture.store, target: FirestoreRestoreWriter(fixture.client))

        var withoutOverwrite = BackupRestorer.Options(environment: "dev", id: manifest.id)
        withoutOverwrite.deleteExtras = true
        await #expect(throws: BackupError.self) { try await restorer.restore(withoutOverwrite) }
        do {
            _ = try await restorer.restore(withoutOverwrite)
        } catch let error as BackupError {
            #expect(error.kind == .usage && error.description.contains("--delete-extras needs --overwrite"))
        }

        var options = BackupRestorer.Options(environment: "dev", id: manifest.id, overwrite: true)
        options.deleteExtras = true
        let report = try await restorer.restore(options)
        #expect(report.extras == 3 && report.extrasDeleted == 3 && report.failed == 0 && report.overwritten == 1)
        let after = try await allDocuments(fixture.client)
        #expect(Set(after.keys) == Set(before.keys))
        for (path, document) in before {
            #expect(after[path].map { Value.map($0.fields).isIdentical(to: .map(document.fields)) } == true, "\(path)")
        }
    }

    @Test func anExtraWrittenDuringTheRestoreIsKeptAndReportedAsAConflict() async throws {
        let (fixture, manifest, _) = try await setUp("bk-extras-race")
        // The application writes one extra after it was listed and before its delete is sent.
        let racing = RacingWriter(inner: FirestoreRestoreWriter(fixture.client), client: fixture.client, path: "trades/zz-new")
        var options = BackupRestorer.Options(environment: "dev", id: manifest.id, overwrite: true)
        options.deleteExtras = true
        let report = try await BackupRestorer(store: fixture.store, target: racing).restore(options)
        #expect(report.extras == 3 && report.extrasDeleted == 2 && report.failed == 1)
        #expect(report.failures.contains { $0.contains("trades/zz-new") && $0.contains("FAILED_PRECONDITION") }, "\(report.failures)")
        #expect(try await fixture.client.get("trades/zz-new")?.fields["late"] == .string("written during the restore"))
        #expect(try await fixture.client.get("trades/new-a") == nil)
    }

    @Test func aBackupFileOutOfNameOrderIsStillComparedExactly() async throws {
        let (fixture, manifest, extras) = try await setUp("bk-extras-unsorted")
        // Rewrite the file with its lines reversed, and the manifest to match.
        let directory = fixture.store.directory(environment: "dev", id: manifest.id)
        let file = directory.appendingPathComponent("trades.jsonl.gz")
        let lines = String(decoding: try Gzip.decompress([UInt8](try Data(contentsOf: file))), as: UTF8.self)
            .split(separator: "\n").reversed().joined(separator: "\n") + "\n"
        let compressed = try Gzip.compress(Array(lines.utf8))
        try Data(compressed).write(to: file)
        var edited = manifest
        edited.collections[0].byteSize = Int64(compressed.count)
        edited.collections[0].sha256 = SHA256.hex(of: compressed)
        try edited.jsonData().write(to: directory.appendingPathComponent(BackupStore.manifestFileName))

        let report = try await BackupRestorer(store: fixture.store, target: FirestoreRestoreWriter(fixture.client))
            .restore(.init(environment: "dev", id: manifest.id, dryRun: true))
        #expect(report.extras == 3 && Set(report.extraExamples) == Set(extras.map(fixture.client.name)))
        #expect(report.notes.contains { $0.contains("set of the backup's names") }, "\(report.notes)")
    }

    @Test func aLiveListingOutOfNameOrderFallsBackAndStillDeletesExactly() async throws {
        let (fixture, manifest, _) = try await setUp("bk-extras-live-order")
        let before = try await allDocuments(fixture.client, readTime: Timestamp(rfc3339: manifest.readTime))
        var options = BackupRestorer.Options(environment: "dev", id: manifest.id, overwrite: true)
        options.deleteExtras = true
        let report = try await BackupRestorer(store: fixture.store, target: ReversedListing(inner: FirestoreRestoreWriter(fixture.client)))
            .restore(options)
        #expect(report.extras == 3 && report.extrasDeleted == 3 && report.failed == 0)
        #expect(report.notes.contains { $0.contains("set of the backup's names") }, "\(report.notes)")
        #expect(Set(try await allDocuments(fixture.client).keys) == Set(before.keys))
    }

    @Test func aProtectedTargetNeedsItsNameConfirmedExceptForADryRun() async throws {
        let (fixture, manifest, _) = try await setUp("bk-protected")
        let restorer = BackupRestorer(store: fixture.store, target: FirestoreRestoreWriter(fixture.client))
        var options = BackupRestorer.Options(environment: "dev", id: manifest.id, overwrite: true)
        options.protectedTarget = "production"
        for confirmation in [nil, "prod", "Production"] {
            options.confirmedProtected = confirmation
            do {
                _ = try await restorer.restore(options)
                Issue.record("a restore into a protected environment confirmed by \(String(describing: confirmation)) must be refused")
            } catch let error as BackupError {
                #expect(error.kind == .refused)
                #expect(error.description.contains("--confirm-protected production"), "\(error)")
            }
        }
        #expect(try await fixture.client.get("trades/t05")?.fields["v"] == .integer(-5), "a refused restore writes nothing")

        options.confirmedProtected = nil
        options.dryRun = true
        #expect(try await restorer.restore(options).overwritten == 1)
        options.dryRun = false
        options.confirmedProtected = "production"
        #expect(try await restorer.restore(options).overwritten == 1)
        #expect(try await fixture.client.get("trades/t05")?.fields["v"] == .integer(5))
    }
}

/// The real restore writer, plus one application write that lands between the listing of the
/// extras and the first delete: the race a precondition exists for.
private struct RacingWriter: RestoreWriter {
    let inner: FirestoreRestoreWriter
    let client: FirestoreClient
    let path: String

    var databaseRoot: String { inner.databaseRoot }

    func currentDocuments(names: [String]) async throws -> [String: Document] { try await inner.currentDocuments(names: names) }

    func write(_ writes: [RestoreWrite]) async throws -> [RestoreWriteOutcome] {
        if writes.contains(where: { $0.kind == .delete && $0.document.name == client.name(path) }) {
            _ = try await client.commit([.set(path, ["late": .string("written during the restore")])])
        }
        return try await inner.write(writes)
    }

    func forEachLivePage(collection: String, subtree: Bool, pageSize: Int, _ body: ([Document]) async throws -> Void) async throws {
        try await inner.forEachLivePage(collection: collection, subtree: subtree, pageSize: pageSize, body)
    }
}

/// The real restore writer with each live page handed over in reverse: a listing whose order the
/// merge cannot trust, as when Firestore's order and ``NameOrder`` were to disagree.
private struct ReversedListing: RestoreWriter {
    let inner: FirestoreRestoreWriter

    var databaseRoot: String { inner.databaseRoot }
    func currentDocuments(names: [String]) async throws -> [String: Document] { try await inner.currentDocuments(names: names) }
    func write(_ writes: [RestoreWrite]) async throws -> [RestoreWriteOutcome] { try await inner.write(writes) }

    func forEachLivePage(collection: String, subtree: Bool, pageSize: Int, _ body: ([Document]) async throws -> Void) async throws {
        try await inner.forEachLivePage(collection: collection, subtree: subtree, pageSize: pageSize) { try await body($0.reversed()) }
    }
}
