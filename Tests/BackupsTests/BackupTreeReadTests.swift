import Firestore
import FirestoreTesting
import Foundation
import Testing
@testable import Backups

/// How create reads: a whole collection tree per query, several collections at once, one readTime.
@Suite(.enabled(if: FirestoreEmulator.isAvailable, "no Cloud Firestore emulator installed"))
struct BackupTreeReadTests {
    @Test func subcollectionsComeFromOneQueryPerCollectionReadConcurrentlyAtOneReadTime() async throws {
        let fixture = try await BackupFixture("bk-tree")
        var documents: [(path: String, fields: [String: Value])] = []
        for c in 0..<6 {
            for i in 0..<50 {
                documents.append(("c\(c)/d\(String(format: "%02d", i))", ["i": .integer(Int64(i))]))
                if i % 5 == 0 { documents.append(("c\(c)/d\(String(format: "%02d", i))/sub/s", ["deep": .boolean(true)])) }
            }
        }
        documents.append(("c1/d07/sub/s/deeper/x", ["level": .integer(3)]))
        documents.append(("c2/ghost/sub/orphan", ["parent": .string("does not exist")]))
        try await fixture.write(documents)

        let observed = ObservedReader(inner: fixture.reader, expectedTogether: 3)
        var options = fixture.options(subcollections: true)
        options.collectionConcurrency = 3
        options.pageSize = 20
        let manifest = try await BackupCreator(store: fixture.store, reader: observed).create(options)

        let calls = await observed.calls
        #expect(calls.collectionIDs == 1, "only the root collections are listed, never per document")
        #expect(calls.readTimes == [manifest.readTime], "every read at the one readTime")
        #expect(calls.maxInFlight == 3 && !calls.timedOut, "three collections read at once, never more")
        #expect(manifest.collections.map(\.collection) == (0..<6).map { "c\($0)" })
        #expect(manifest.totalDocuments == documents.count)
        #expect(manifest.collections[1].countsByParent["c1/d07/sub/s/deeper"] == 1)
        #expect(manifest.collections[2].countsByParent["c2/ghost/sub"] == 1, "a document under a missing parent is kept")
        #expect(manifest.collections[0].countsByParent == ["c0": 50, "c0/d00/sub": 1, "c0/d05/sub": 1, "c0/d10/sub": 1,
                                                           "c0/d15/sub": 1, "c0/d20/sub": 1, "c0/d25/sub": 1, "c0/d30/sub": 1,
                                                           "c0/d35/sub": 1, "c0/d40/sub": 1, "c0/d45/sub": 1])
        let verified = try await fixture.verifier().verify(environment: "dev", id: manifest.id)
        #expect(verified.passed, "\(verified.findings)")

        let target = fixture.emulator.newClient("bk-tree-restored")
        let restored = try await BackupRestorer(store: fixture.store, target: FirestoreRestoreWriter(target))
            .restore(.init(environment: "dev", id: manifest.id))
        #expect(restored.created == documents.count && restored.extras == 0)
        for (path, fields) in documents {
            let back = try await target.get(path)
            #expect(back.map { Value.map($0.fields).isIdentical(to: .map(fields)) } == true, "\(path)")
        }
    }

    @Test func nameOrderAgreesWithTheEmulatorsOrder() async throws {
        let fixture = try await BackupFixture("bk-order")
        let ids = ["a", "B", "__id5__", "__id-3__", "__id12__", "é", "a b", "ab", "a-", "~", "Z", "zz", "0", "10", "9", "ü", "😀", "A"]
        var documents = ids.map { (path: "t/\($0)", fields: [String: Value]()) }
        documents += [("t/a/s/1", [:]), ("t/a/r/2", [:]), ("t/a/s/1/u/3", [:]), ("t/ab/s/1", [:])]
        try await fixture.write(documents)
        var paths: [String] = []
        try await fixture.reader.forEachPage(subtree: "t", readTime: try await fixture.reader.recentReadTime(), pageSize: 7) { page in
            paths += page.map(\.path)
        }
        #expect(Set(paths) == Set(documents.map(\.path)))
        for (a, b) in zip(paths, paths.dropFirst()) {
            #expect(NameOrder.compare(a, b) < 0 && NameOrder.compare(b, a) > 0, "\(a) before \(b)")
        }
    }
}

/// The real reader, observed: calls, readTimes, and collections read at once. Each collection's
/// read waits (up to 10 s) until `expectedTogether` have started, so a create that reads one
/// collection at a time fails instead of passing by luck.
private actor Observations {
    var collectionIDs = 0
    var readTimes: Set<String> = []
    var inFlight = 0
    var maxInFlight = 0
    var started = 0
    var timedOut = false

    func listed() { collectionIDs += 1 }
    func enter(_ readTime: Timestamp) { readTimes.insert(readTime.rfc3339); inFlight += 1; started += 1; maxInFlight = max(maxInFlight, inFlight) }
    func leave() { inFlight -= 1 }
    func timeOut() { timedOut = true }
}

private struct ObservedReader: SnapshotReader {
    let inner: FirestoreSnapshotReader
    let expectedTogether: Int
    let observations = Observations()

    var calls: (collectionIDs: Int, readTimes: [String], maxInFlight: Int, timedOut: Bool) {
        get async {
            (await observations.collectionIDs, await observations.readTimes.sorted(), await observations.maxInFlight, await observations.timedOut)
        }
    }

    var databaseRoot: String { inner.databaseRoot }
    func recentReadTime() async throws -> Timestamp { try await inner.recentReadTime() }

    func collectionIDs(under parent: String?, readTime: Timestamp) async throws -> [String] {
        await observations.listed()
        return try await inner.collectionIDs(under: parent, readTime: readTime)
    }

    func forEachPage(collection path: String, readTime: Timestamp, pageSize: Int, _ body: ([Document]) async throws -> Void) async throws {
        try await observe(readTime) { try await inner.forEachPage(collection: path, readTime: readTime, pageSize: pageSize, body) }
    }

    func forEachPage(subtree collection: String, readTime: Timestamp, pageSize: Int, _ body: ([Document]) async throws -> Void) async throws {
        try await observe(readTime) { try await inner.forEachPage(subtree: collection, readTime: readTime, pageSize: pageSize, body) }
    }

    func count(collection path: String, readTime: Timestamp?) async throws -> Int {
        try await inner.count(collection: path, readTime: readTime)
    }

    private func observe(_ readTime: Timestamp, _ read: () async throws -> Void) async throws {
        await observations.enter(readTime)
        let deadline = Date().addingTimeInterval(10)
        while await observations.started < expectedTogether {
            guard Date() < deadline else { await observations.timeOut(); break }
            try await Task.sleep(nanoseconds: 5_000_000)
        }
        try await read()
        await observations.leave()
    }
}
