import Digest
import Firestore
import Foundation
import Testing
@testable import Backups

/// The on-disk pieces without Firestore: hashing, the gzip JSON-lines files, damage detection.
@Suite struct BackupFilesTests {
    @Test func sha256MatchesKnownVectorsAndSha256sum() throws {
        #expect(SHA256.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(of: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("blob")
        let bytes = (0..<1_000_003).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        try Data(bytes).write(to: url)
        let (size, digest) = try fileDigest(url)
        #expect(size == 1_000_003)
        #expect(digest == (try run("/usr/bin/sha256sum", [url.path])).prefix(64).description)
    }

    @Test func documentNameIsReadFromALineWithoutParsingItsFields() throws {
        let root = "projects/p/databases/(default)/documents"
        let documents = [
            Document(name: "\(root)/trades/t1", fields: ["name": .string(#"x","name":"trap"#), "n": .map(["name": .string("inner")])]),
            Document(name: "\(root)/odd ids/ü ñ %2F/sub/😀", fields: edgeFields(referenceRoot: "projects/p/databases/(default)", salt: 3)),
            Document(name: "\(root)/q/with \"quote\"", fields: [:]),
            Document(name: "\(root)/e/empty"),
        ]
        for document in documents {
            let line = Array(document.json.serialized())
            let fast = BackupNames.name(in: line)
            #expect(fast == nil || fast == document.name, "\(document.name)")
            let parsed = try JSON.parse(Data(line))["name"]?.stringValue
            #expect(parsed == document.name)
        }
        #expect(BackupNames.name(in: Array(documents[0].json.serialized())) == documents[0].name, "the fast path is taken")
        #expect(BackupNames.name(in: Array(documents[2].json.serialized())) == nil, "an escaped name is parsed instead")
        #expect(BackupNames.name(in: Array(#"{"fields":{}}"#.utf8)) == nil)
    }

    @Test func nameOrderPutsNumericIDsFirstThenBytesSegmentBySegment() {
        let ordered = ["c/__id-5__", "c/__id3__", "c/__id12__", "c/0", "c/A", "c/a", "c/a/s/1", "c/a/s/1/t/x", "c/a/t/0", "c/a-", "c/ab", "c/é", "c\u{0}/a", "cx/a"]
        for (i, a) in ordered.enumerated() {
            for (j, b) in ordered.enumerated() {
                let c = NameOrder.compare(a, b)
                #expect(i < j ? c < 0 : (i == j ? c == 0 : c > 0), "\(a) vs \(b)")
            }
        }
    }

    @Test func writtenFileIsGzipThatOtherToolsRead() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("c.jsonl.gz")
        let lines = (0..<5000).map { "{\"n\":\($0),\"text\":\"line \($0) é 😀\"}" }
        let writer = try CollectionFileWriter(url: url)
        for line in lines { try writer.append(line: Array(line.utf8)) }
        let (size, digest) = try writer.finish()
        #expect(try fileDigest(url) == (size, digest))
        let decoded = try run("/usr/bin/python3", ["-c", "import gzip,sys; sys.stdout.write(gzip.open(sys.argv[1],'rt',encoding='utf-8').read())", url.path])
        #expect(decoded == lines.joined(separator: "\n") + "\n")

        let reader = try CollectionFileReader(url: url)
        var read: [String] = []
        while let line = try reader.nextLine() { read.append(String(decoding: line, as: UTF8.self)) }
        let outcome = try reader.finish()
        #expect(read == lines)
        #expect(outcome.gzipProblem == nil)
        #expect(outcome.lineCount == 5000 && outcome.byteSize == size && outcome.sha256 == digest)
    }

    @Test func truncatedFileIsReportedWithTheLastGoodLine() throws {
        let directory = try TemporaryDirectory()
        let url = try writeSample(in: directory, lines: 20_000)
        let full = try Data(contentsOf: url)
        try full.prefix(full.count / 2).write(to: url)
        let reader = try CollectionFileReader(url: url)
        var count = 0
        while try reader.nextLine() != nil { count += 1 }
        let outcome = try reader.finish()
        #expect(count > 0 && count < 20_000)
        let problem = try #require(outcome.gzipProblem)
        #expect(problem.contains("cut short"))
        #expect(problem.contains("sample.jsonl.gz"))
    }

    @Test func flippedByteIsReportedAndHashStillCovered() throws {
        let directory = try TemporaryDirectory()
        let url = try writeSample(in: directory, lines: 20_000)
        var bytes = [UInt8](try Data(contentsOf: url))
        let (_, before) = try fileDigest(url)
        bytes[bytes.count / 2] ^= 0x01
        try Data(bytes).write(to: url)
        let reader = try CollectionFileReader(url: url)
        while try reader.nextLine() != nil {}
        let outcome = try reader.finish()
        #expect(outcome.byteSize == Int64(bytes.count))
        #expect(outcome.sha256 != before)
        #expect(outcome.gzipProblem != nil)
    }

    @Test func lastLineWithoutNewlineIsDamage() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("x.jsonl.gz")
        let gz = try run("/usr/bin/python3", ["-c", "import gzip,sys; sys.stdout.buffer.write(gzip.compress(b'{\"a\":1}\\n{\"b\":2}'))"], binary: true)
        try gz.write(to: url)
        let reader = try CollectionFileReader(url: url)
        #expect(try reader.nextLine() == Array("{\"a\":1}".utf8))
        #expect(try reader.nextLine() == nil)
        let outcome = try reader.finish()
        #expect(outcome.gzipProblem?.contains("line 2") == true)
    }

    @Test func storeListsOnlyFinishedBackupsAndNamesFilesSafely() throws {
        let directory = try TemporaryDirectory()
        let store = BackupStore(root: directory.url)
        let manifest = BackupManifest(id: "20260101T000000Z-000001", environment: "dev", project: "p", database: "(default)",
                                      readTime: "2026-01-01T00:00:00Z", includesSubcollections: false, collections: [],
                                      toolVersion: "t", createdAt: "2026-01-01T00:00:01Z", createdBy: "me")
        let finished = store.directory(environment: "dev", id: manifest.id)
        try FileManager.default.createDirectory(at: finished, withIntermediateDirectories: true)
        try manifest.jsonData().write(to: finished.appendingPathComponent("manifest.json"))
        try FileManager.default.createDirectory(at: store.partialDirectory(environment: "dev", id: "crashed"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: store.directory(environment: "dev", id: "no-manifest"), withIntermediateDirectories: true)
        let listed = store.list(environment: "dev")
        #expect(listed.backups == [manifest])
        #expect(listed.abandoned == ["crashed"])
        #expect(try store.manifest(environment: "dev", id: manifest.id) == manifest)
        #expect(throws: BackupError.self) { try store.manifest(environment: "dev", id: "no-manifest") }
        #expect(throws: BackupError.self) { try store.manifest(environment: "dev", id: "../etc") }
        #expect(BackupStore.fileName(forCollection: "trades") == "trades.jsonl.gz")
        #expect(BackupStore.fileName(forCollection: "a.b c/é") == "a%2Eb%20c%2F%C3%A9.jsonl.gz")
        #expect(BackupStore.newID() != BackupStore.newID())
    }

    @Test func manifestWithUnknownFormatIsRefusedWithItsPath() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("manifest.json")
        try Data(#"{"formatVersion": 99}"#.utf8).write(to: url)
        do {
            _ = try BackupManifest.load(from: url)
            Issue.record("expected an error")
        } catch let error as BackupError {
            #expect(error.description.contains(url.path))
        }
    }

    private func writeSample(in directory: TemporaryDirectory, lines: Int) throws -> URL {
        let url = directory.url.appendingPathComponent("sample.jsonl.gz")
        let writer = try CollectionFileWriter(url: url)
        var generator = SplitMix64(seed: 42)
        for index in 0..<lines {
            try writer.append(line: Array("{\"i\":\(index),\"r\":\"\(generator.next())\"}".utf8))
        }
        _ = try writer.finish()
        return url
    }
}
