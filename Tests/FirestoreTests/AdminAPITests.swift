import Firestore
import FirestoreTesting
import Foundation
import Testing

/// The Admin API client against the local stand-in that speaks the documented JSON.
@Suite struct AdminAPITests {
    private static let retry = RetryPolicy(maxAttempts: 3, initialBackoff: 0.05, maxBackoff: 0.2)

    private func withAdmin(
        project: String = "tradeya-staging", _ body: (StandInServer, AdminClient) async throws -> Void
    ) async throws {
        let server = try await StandInServer.start(.adminAPI)
        defer { server.stop() }
        try await server.control("/control/config", ["indexBuildSeconds": .number("0.6"), "exportSeconds": .number("0.4")])
        let auth = try EnvironmentTokenProvider(environment: ["TOKEN": "admin-test-token"], variable: "TOKEN")
        let admin = AdminClient(projectID: project, endpoint: server.baseURL, auth: auth, retry: Self.retry, timeout: 20)
        try await body(server, admin)
    }

    private let tradesByCreator = AdminIndex(collectionGroup: "trades", fields: [
        .init("participants.creator", .ascending), .init("createdAt", .descending),
    ])

    @Test func indexGoesFromCreatingToReadyThroughItsOperation() async throws {
        try await withAdmin { server, admin in
            // Long enough to see CREATING on a busy 2-core machine.
            try await server.control("/control/config", ["indexBuildSeconds": .number("3")])
            let started = try await admin.createIndex(tradesByCreator)
            #expect(!started.done)
            #expect(started.kind == "IndexOperationMetadata")
            #expect(started.state == "PROCESSING")
            let indexName = try #require(started.indexName)
            #expect(indexName.hasPrefix("projects/tradeya-staging/databases/(default)/collectionGroups/trades/indexes/"))
            #expect(try await admin.index(named: indexName).state == .creating)

            let polls = PollLog()
            let finished = try await admin.waitForOperation(named: started.name, pollInterval: 0.15, timeout: 10) { await polls.add($0) }
            #expect(finished.succeeded)
            #expect(finished.state == "SUCCESSFUL")
            #expect(finished.documents?.fraction == 1)
            let built = try #require(finished.index)
            #expect(built.state == .ready)
            #expect(built.definitionFields == tradesByCreator.fields)
            #expect(built.fields.last == .init("__name__", .descending), "Firestore appends __name__ in the last direction")
            #expect(await polls.count >= 2)
            #expect(await polls.sawRunning)

            let listed = try await admin.listIndexes(collectionGroup: "trades")
            #expect(listed.map(\.name) == [indexName])
            #expect(listed.first?.state == .ready)
            let everywhere = try await admin.listIndexes()
            #expect(everywhere.count == 1)

            let requests = try await server.requests()
            #expect(requests.allSatisfy { $0.headers["authorization"] == "Bearer admin-test-token" })
            #expect(requests.first?.path == "/v1/projects/tradeya-staging/databases/(default)/collectionGroups/trades/indexes")
        }
    }

    @Test func creatingAnExistingIndexIsAlreadyExists() async throws {
        try await withAdmin { _, admin in
            _ = try await admin.createIndex(tradesByCreator)
            let error = try await #require(throws: FirestoreError.self) { try await admin.createIndex(tradesByCreator) }
            #expect(error.code == .alreadyExists)
            #expect(error.httpStatus == 409)
            #expect(error.target.contains("projects/tradeya-staging/databases/(default)"))
            // A different index on the same group is fine.
            var other = tradesByCreator
            other.fields = [.init("skillsOffered", .arrayContains), .init("createdAt", .descending)]
            #expect(try await admin.createIndex(other).kind == "IndexOperationMetadata")
        }
    }

    @Test func failedBuildEndsNeedsRepairWithTheOperationError() async throws {
        try await withAdmin { server, admin in
            try await server.control("/control/config", ["failNextIndexBuilds": .number("1")])
            let started = try await admin.createIndex(tradesByCreator)
            let error = try await #require(throws: FirestoreError.self) {
                try await admin.waitForOperation(named: started.name, pollInterval: 0.15, timeout: 10)
            }
            #expect(error.code == .internal)
            #expect(error.message.contains("needs repair"))
            #expect(try await admin.index(named: #require(started.indexName)).state == .needsRepair)
        }
    }

    @Test func readyIndexForcedToNeedsRepairAndDeleted() async throws {
        try await withAdmin { server, admin in
            let started = try await admin.createIndex(tradesByCreator)
            _ = try await admin.waitForOperation(named: started.name, pollInterval: 0.15, timeout: 10)
            let name = try #require(started.indexName)
            try await server.control("/control/index-state", ["name": .string(name), "state": .string("NEEDS_REPAIR")])
            #expect(try await admin.index(named: name).state == .needsRepair)
            try await admin.deleteIndex(named: name)
            #expect(try await admin.listIndexes(collectionGroup: "trades").isEmpty)
            let gone = try await #require(throws: FirestoreError.self) { try await admin.index(named: name) }
            #expect(gone.code == .notFound)
        }
    }

    @Test func waitingGivesUpAtItsTimeout() async throws {
        try await withAdmin { server, admin in
            try await server.control("/control/config", ["indexBuildSeconds": .number("30")])
            let started = try await admin.createIndex(tradesByCreator)
            let error = try await #require(throws: FirestoreError.self) {
                try await admin.waitForOperation(named: started.name, pollInterval: 0.1, timeout: 0.5)
            }
            #expect(error.code == .deadlineExceeded)
            #expect(error.message.contains("PROCESSING"))
        }
    }

    @Test func exportAndImportOperations() async throws {
        try await withAdmin { _, admin in
            let export = try await admin.exportDocuments(collectionIDs: ["trades", "conversations"], outputUriPrefix: "gs://tradeya-backups")
            #expect(export.kind == "ExportDocumentsMetadata")
            #expect(export.collectionIDs == ["trades", "conversations"])
            let exported = try await admin.waitForOperation(named: export.name, pollInterval: 0.1, timeout: 10)
            #expect(exported.state == "SUCCESSFUL")
            let prefix = try #require(exported.outputUriPrefix)
            #expect(prefix.hasPrefix("gs://tradeya-backups/"), "a bare bucket gets a timestamped folder")
            #expect(try await admin.listOperations().contains { $0.name == export.name })

            let imported = try await admin.importDocuments(collectionIDs: ["trades"], inputUriPrefix: prefix)
            #expect(imported.kind == "ImportDocumentsMetadata")
            #expect(try await admin.waitForOperation(named: imported.name, pollInterval: 0.1, timeout: 10).succeeded)

            let bad = try await #require(throws: FirestoreError.self) {
                try await admin.exportDocuments(outputUriPrefix: "/tmp/local-dir")
            }
            #expect(bad.code == .invalidArgument)
            #expect(bad.message.contains("gs://"))
        }
    }

    @Test func cancelledOperationReportsCancelled() async throws {
        try await withAdmin { server, admin in
            try await server.control("/control/config", ["exportSeconds": .number("30")])
            let export = try await admin.exportDocuments(outputUriPrefix: "gs://bucket/path")
            try await admin.cancelOperation(named: export.name)
            let error = try await #require(throws: FirestoreError.self) {
                try await admin.waitForOperation(named: export.name, pollInterval: 0.1, timeout: 5)
            }
            #expect(error.code == .cancelled)
        }
    }

    @Test func databaseMetadataAndPointInTimeRecovery() async throws {
        try await withAdmin { server, admin in
            let before = try await admin.database()
            #expect(before.name == "projects/tradeya-staging/databases/(default)")
            #expect(!before.pointInTimeRecoveryEnabled)
            #expect(before.versionRetention.map { Int($0) } == 3600)
            let earliest = try #require(before.earliestVersionTime)
            #expect(abs(earliest.date.timeIntervalSinceNow + 3600) < 120)

            try await server.control("/control/database", [
                "name": .string("projects/tradeya-staging/databases/(default)"), "pointInTimeRecovery": .bool(true),
            ])
            let after = try await admin.database()
            #expect(after.pointInTimeRecoveryEnabled)
            #expect(after.versionRetention.map { Int($0) } == 604_800)

            try await server.control("/control/database", [
                "name": .string("projects/tradeya-staging/databases/(default)"), "missing": .bool(true),
            ])
            let missing = try await #require(throws: FirestoreError.self) { try await admin.database() }
            #expect(missing.code == .notFound)
        }
    }

    @Test func transientErrorsAreRetriedAndAuthFailuresAreNot() async throws {
        try await withAdmin { server, admin in
            try await server.control("/control/fail", [
                "pathContains": .string("/indexes"), "httpStatus": .number("503"), "status": .string("UNAVAILABLE"), "times": .number("2"),
            ])
            #expect(try await admin.listIndexes(collectionGroup: "trades").isEmpty)
            #expect(try await server.requests().count == 3)

            try await server.control("/control/config", ["requiredToken": .string("someone-else")])
            let denied = try await #require(throws: FirestoreError.self) { try await admin.listIndexes() }
            #expect(denied.code == .unauthenticated)
            #expect(try await server.requests().count == 4, "UNAUTHENTICATED is not retried")
            #expect(!denied.description.contains("admin-test-token"))
        }
    }

    @Test func serviceAccountTokenFlowsFromTheTokenEndpointToTheAdminAPI() async throws {
        let (oauth, account, server) = try await Self.rotatingTokenStandIns()
        defer { oauth.stop(); account.remove(); server.stop() }
        try await server.control("/control/config", ["requiredToken": .string("standin-token-1")])

        var environment = FirestoreEnvironment(name: "staging", projectID: "tradeya-staging", isProtected: true)
        environment.access = .serviceAccountKey(path: account.keyFilePath)
        environment.adminEndpoint = server.baseURL
        let connection = try EnvironmentConnection(environment: environment, processEnvironment: [:])
        let metadata = try await connection.admin.database()
        #expect(metadata.name == "projects/tradeya-staging/databases/(default)")
        _ = try await connection.admin.listIndexes()
        #expect(try await oauth.control("/control/issued")["issued"]?.int64Value == 1, "the token is cached across calls")
    }
}

extension AdminAPITests {
    @Test func rejectedCachedTokenIsReplacedOnceAfter401() async throws {
        let (oauth, account, server) = try await Self.rotatingTokenStandIns()
        defer { oauth.stop(); account.remove(); server.stop() }
        // The Admin API accepts only the second token the endpoint issues: the first is "revoked".
        try await server.control("/control/config", ["requiredToken": .string("standin-token-2")])
        let admin = AdminClient(
            projectID: "tradeya-staging", endpoint: server.baseURL,
            auth: try ServiceAccountTokenProvider(keyPath: account.keyFilePath), retry: .none)
        #expect(try await admin.listIndexes().isEmpty)
        let seen = try await server.requests().map { $0.headers["authorization"] ?? "" }
        #expect(seen == ["Bearer standin-token-1", "Bearer standin-token-2"])

        // A token that is refused again is reported, not retried forever.
        try await server.control("/control/config", ["requiredToken": .string("never-issued")])
        let error = try await #require(throws: FirestoreError.self) { try await admin.listIndexes() }
        #expect(error.code == .unauthenticated)
        #expect(try await server.requests().count == 4)
    }
}

extension AdminAPITests {
    /// The refresh lives in the transport, so the data client's calls get it too, not only admin calls.
    @Test func transportReplacesARefusedTokenOnceForAnyCaller() async throws {
        let (oauth, account, server) = try await Self.rotatingTokenStandIns()
        defer { oauth.stop(); account.remove(); server.stop() }
        try await server.control("/control/config", ["requiredToken": .string("standin-token-2")])
        let transport = RESTTransport(
            baseURL: server.baseURL.appendingPathComponent("v1"), auth: try ServiceAccountTokenProvider(keyPath: account.keyFilePath),
            retry: .none)
        _ = try await transport.send("GET", "projects/p/databases/(default)/collectionGroups/-/indexes", operation: "list")
        _ = try await transport.send("GET", "projects/p/databases/(default)/collectionGroups/-/indexes", operation: "list")
        let seen = try await server.requests().map { $0.headers["authorization"] ?? "" }
        #expect(seen == ["Bearer standin-token-1", "Bearer standin-token-2", "Bearer standin-token-2"])
    }
}

extension AdminAPITests {
    /// An OAuth stand-in that knows a fresh service account's key, and an Admin API stand-in.
    static func rotatingTokenStandIns() async throws -> (StandInServer, TestServiceAccount, StandInServer) {
        let oauth = try await StandInServer.start(.oauthToken)
        do {
            let account = try TestServiceAccount(tokenURI: oauth.baseURL.appendingPathComponent("token").absoluteString)
            do {
                try await oauth.control("/control/keys", [
                    "clientEmail": .string(account.clientEmail), "publicKeyPem": .string(account.publicKeyPEM),
                ])
                return (oauth, account, try await StandInServer.start(.adminAPI))
            } catch {
                account.remove()
                throw error
            }
        } catch {
            oauth.stop()
            throw error
        }
    }
}

/// Collects the operations `waitForOperation` reports.
actor PollLog {
    private(set) var entries: [AdminOperation] = []
    func add(_ operation: AdminOperation) { entries.append(operation) }
    var count: Int { entries.count }
    var sawRunning: Bool { entries.contains { !$0.done && $0.state == "PROCESSING" } }
}
