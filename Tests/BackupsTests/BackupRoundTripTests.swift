import Backups
import Firestore
import FirestoreTesting
import Foundation
import Testing

@Suite(.enabled(if: FirestoreEmulator.isAvailable, "no Cloud Firestore emulator installed"))
struct BackupRoundTripTests {
    @Test func backupThenRestoreIntoAFreshProjectIsExact() async throws {
        let fixture = try await BackupFixture("bk-roundtrip")
        let root = fixture.client.databaseName
        var documents: [(path: String, fields: [String: Value])] = []
        for i in 0..<25 { documents.append(("values/v\(i)", edgeFields(referenceRoot: root, salt: i))) }
        for i in 0..<7 {
            documents.append(("trades/t\(i)", ["title": .string("trade \(i)"), "n": .integer(Int64(i))]))
            for m in 0..<3 { documents.append(("trades/t\(i)/messages/m\(m)", ["text": .string("msg \(m)"), "at": .integer(Int64(m))])) }
        }
        documents.append(("trades/t1/messages/m0/reactions/r0", ["emoji": .string("👍")]))
        documents.append(("odd ids/ü ñ %2F", ["x": .integer(1)]))
        try await fixture.write(documents)

        let manifest = try await fixture.creator().create(fixture.options(subcollections: true))
        #expect(manifest.collections.map(\.collection) == ["odd ids", "trades", "values"])
        #expect(manifest.totalDocuments == documents.count)
        let trades = try #require(manifest.collections.first { $0.collection == "trades" })
        #expect(trades.countsByParent["trades"] == 7)
        #expect(trades.countsByParent["trades/t3/messages"] == 3)
        #expect(trades.countsByParent["trades/t1/messages/m0/reactions"] == 1)

        let report = try await fixture.verifier().verify(environment: "dev", id: manifest.id)
        #expect(report.passed, "\(report.findings)")

        let target = fixture.emulator.newClient("bk-restored")
        let restored = try await BackupRestorer(store: fixture.store, target: FirestoreRestoreWriter(target))
            .restore(.init(environment: "dev", id: manifest.id))
        #expect(restored.created == documents.count && restored.overwritten == 0 && restored.failed == 0)

        let original = try await allDocuments(fixture.client)
        let copy = try await allDocuments(target)
        #expect(original.count == documents.count)
        #expect(Set(copy.keys) == Set(original.keys))
        for (path, document) in original {
            let back = try #require(copy[path])
            #expect(back.name == target.name(path))
            #expect(back.fields.keys.sorted() == document.fields.keys.sorted(), "\(path)")
            for (key, value) in document.fields {
                let expected = rewrite(value, from: root, to: target.databaseName)
                #expect(back.fields[key].map { $0.isIdentical(to: expected) } == true, "\(path).\(key): \(String(describing: back.fields[key])) vs \(expected)")
            }
        }

        // Restoring again changes nothing: every document is already identical.
        let again = try await BackupRestorer(store: fixture.store, target: FirestoreRestoreWriter(target))
            .restore(.init(environment: "dev", id: manifest.id))
        #expect(again.identical == documents.count && again.created == 0 && again.overwritten == 0)
    }

    @Test func restoreOverDifferentLiveDataNeedsOverwriteAndDryRunSaysWhat() async throws {
        let fixture = try await BackupFixture("bk-overwrite")
        try await fixture.write((0..<40).map { ("trades/t\($0)", ["v": .integer(0)]) })
        let manifest = try await fixture.creator().create(fixture.options(["trades"]))
        // After the backup: 3 documents changed, 2 deleted.
        try await fixture.write((0..<3).map { ("trades/t\($0)", ["v": .integer(99)]) })
        _ = try await fixture.client.commit([.delete("trades/t10"), .delete("trades/t11")])
        let restorer = BackupRestorer(store: fixture.store, target: FirestoreRestoreWriter(fixture.client))

        let dryRun = try await restorer.restore(.init(environment: "dev", id: manifest.id, dryRun: true))
        #expect(dryRun.created == 2 && dryRun.overwritten == 3 && dryRun.identical == 35)
        #expect(Set(dryRun.overwriteExamples) == Set((0..<3).map { fixture.client.name("trades/t\($0)") }))
        #expect(try await fixture.client.get("trades/t10") == nil, "a dry run writes nothing")

        do {
            _ = try await restorer.restore(.init(environment: "dev", id: manifest.id))
            Issue.record("restoring over different documents without --overwrite must be refused")
        } catch let error as BackupError {
            #expect(error.kind == .refused)
            #expect(error.description.contains("3 live document(s) differ"))
        }
        #expect(try await fixture.client.get("trades/t10") == nil, "a refused restore writes nothing")
        #expect(try await fixture.client.get("trades/t0")?.fields["v"] == .integer(99))

        let done = try await restorer.restore(.init(environment: "dev", id: manifest.id, overwrite: true))
        #expect(done.created == 2 && done.overwritten == 3 && done.identical == 35 && done.failed == 0)
        let all = try await allDocuments(fixture.client)
        #expect(all.count == 40 && all.values.allSatisfy { $0.fields["v"]?.isIdentical(to: .integer(0)) == true })
    }

    private func rewrite(_ value: Value, from source: String, to target: String) -> Value {
        switch value {
        case .reference(let name) where name.hasPrefix(source + "/"): .reference(target + name.dropFirst(source.count))
        case .array(let values): .array(values.map { rewrite($0, from: source, to: target) })
        case .map(let fields): .map(fields.mapValues { rewrite($0, from: source, to: target) })
        default: value
        }
    }
}
