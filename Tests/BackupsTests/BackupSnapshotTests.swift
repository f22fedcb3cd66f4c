import Backups
import Firestore
import FirestoreTesting
import Foundation
import Gzip
import Testing

/// A backup is one snapshot even while the application writes, and a failed one never looks finished.
@Suite(.enabled(if: FirestoreEmulator.isAvailable, "no Cloud Firestore emulator installed"))
struct BackupSnapshotTests {
    @Test func backupTakenWhileWritersAreBusyIsTheDatabaseAsOfItsReadTime() async throws {
        let fixture = try await BackupFixture("bk-busy")
        try await fixture.write((0..<600).map { ("trades/t\(String(format: "%03d", $0))", ["v": .integer(0)]) })
        let client = fixture.client
        let writer = Task {
            var round: Int64 = 0
            var generator = SplitMix64(seed: 7)
            while !Task.isCancelled {
                round += 1
                var writes = (0..<40).map { _ in
                    Write.set("trades/t\(String(format: "%03d", Int(generator.next() % 600)))", ["v": .integer(round)])
                }
                writes.append(.set("trades/new-\(round)", ["v": .integer(round)]))
                writes.append(.delete("trades/t\(String(format: "%03d", Int(round % 600)))"))
                _ = try? await client.batchWrite(Array(Dictionary(writes.map { ($0.path, $0) }) { $1 }.values))
            }
            return round
        }
        try await Task.sleep(nanoseconds: 300_000_000)
        var options = fixture.options(["trades"])
        options.pageSize = 25
        let manifest = try await fixture.creator().create(options)
        try await Task.sleep(nanoseconds: 300_000_000)
        writer.cancel()
        let rounds = await writer.value
        #expect(rounds > 5, "the writers must really have been busy")

        let readTime = try Timestamp(rfc3339: manifest.readTime)
        let file = fixture.store.directory(environment: "dev", id: manifest.id).appendingPathComponent("trades.jsonl.gz")
        let text = String(decoding: try Gzip.decompress([UInt8](try Data(contentsOf: file))), as: UTF8.self)
        let backedUp = try text.split(separator: "\n").map { try Document(json: try JSON.parse(String($0))) }
        #expect(backedUp.count == manifest.totalDocuments)
        let atReadTime = try await client.count(StructuredQuery(collection: "trades"), readTime: readTime)
        #expect(Int64(backedUp.count) == atReadTime)

        // Every document is exactly its version at readTime, although many changed during the backup.
        var changedSince = 0
        for start in stride(from: 0, to: backedUp.count, by: 100) {
            let slice = Array(backedUp[start..<min(start + 100, backedUp.count)])
            let then = try await client.batchGet(slice.map(\.name), readTime: readTime).results
            let now = try await client.batchGet(slice.map(\.name), readTime: nil).results
            for (index, document) in slice.enumerated() {
                let past = try #require(then[index].document, "\(document.name) did not exist at readTime")
                #expect(past.updateTime == document.updateTime && Value.map(past.fields).isIdentical(to: .map(document.fields)), "\(document.name)")
                if now[index].document?.updateTime != document.updateTime { changedSince += 1 }
            }
        }
        #expect(changedSince > 0, "writes during the backup must not have leaked into it")
        #expect(try await fixture.verifier().verify(environment: "dev", id: manifest.id).passed)
    }

    @Test func failureDuringCreateLeavesNothingThatLooksLikeABackup() async throws {
        let fixture = try await BackupFixture("bk-crash")
        try await fixture.write((0..<300).map { ("trades/t\($0)", ["v": .integer(Int64($0))]) })
        struct InjectedFailure: Error {}
        var options = fixture.options(["trades"])
        options.pageSize = 50
        options.id = "20260101T000000Z-c0ffee"
        options.afterPage = { _, documents in if documents >= 100 { throw InjectedFailure() } }
        await #expect(throws: InjectedFailure.self) { _ = try await fixture.creator().create(options) }
        let listed = fixture.store.list(environment: "dev")
        #expect(listed.backups.isEmpty && listed.abandoned.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: fixture.store.directory(environment: "dev", id: "20260101T000000Z-c0ffee").path))
        #expect(throws: BackupError.self) { try fixture.store.manifest(environment: "dev", id: "20260101T000000Z-c0ffee") }

        // The same ID works afterwards: nothing half-written is in the way.
        options.afterPage = nil
        let manifest = try await fixture.creator().create(options)
        #expect(manifest.totalDocuments == 300)
    }

    @Test func managedExportFollowsItsOperationOnTheAdminStandIn() async throws {
        let fixture = try await BackupFixture("bk-export")
        try await fixture.write((0..<20).map { ("trades/t\($0)", ["v": .integer(Int64($0))]) })
        let server = try await StandInServer.start(.adminAPI)
        defer { server.stop() }
        _ = try await server.control("/control/config", ["exportSeconds": .number("0.6")])
        let auth = try EnvironmentTokenProvider(environment: ["TOKEN": "t"], variable: "TOKEN")
        let admin = AdminClient(projectID: fixture.client.projectID, endpoint: server.baseURL, auth: auth)
        var exporter = ManagedExporter(admin: admin)
        exporter.pollInterval = 0.1
        var options = fixture.options(["trades"])
        options.managedExport = (exporter, "gs://tradeya-backups")
        let (events, sink) = AsyncStream.makeStream(of: BackupEvent.self)
        let manifest = try await fixture.creator().create(options, events: sink)
        sink.finish()
        let record = try #require(manifest.managedExport)
        #expect(record.state == "SUCCESSFUL")
        #expect(record.outputUriPrefix.hasPrefix("gs://tradeya-backups/"))
        #expect(record.operation.hasPrefix("projects/\(fixture.client.projectID)/databases/(default)/operations/"))
        var states: [String] = []
        for await event in events { if case .managedExportProgress(_, let state, _) = event { states.append(state) } }
        #expect(states.contains("PROCESSING") && states.last == "SUCCESSFUL")
        let exportCall = try #require(try await server.requests().first { $0.path.hasSuffix(":exportDocuments") })
        #expect(exportCall.body.contains("\"trades\"") && exportCall.body.contains("gs://tradeya-backups"))

        // Point-in-time window from the database metadata; the emulator is treated as one hour.
        _ = try await server.control("/control/database", ["name": .string(fixture.client.databaseName), "pointInTimeRecovery": .bool(true)])
        let window = await PointInTimeWindow.lookUp(admin: admin)
        #expect(window.retention == 7 * 86_400)
        let emulatorWindow = await PointInTimeWindow.lookUp(admin: AdminClient(emulatorHost: fixture.emulator.host, projectID: "p"))
        #expect(emulatorWindow.retention == 3600)

        // A bad destination or an emulator is refused before any document is read.
        options.managedExport = (exporter, "s3://elsewhere")
        await #expect(throws: BackupError.self) { _ = try await fixture.creator().create(options) }
        options.managedExport = (ManagedExporter(admin: AdminClient(emulatorHost: fixture.emulator.host, projectID: "p")), "gs://b")
        await #expect(throws: BackupError.self) { _ = try await fixture.creator().create(options) }
    }
}
