import Firestore
import FirestoreTesting
import Foundation
import Testing

/// Field overrides through the Admin API client, against the local stand-in that speaks the
/// documented JSON (`projects.databases.collectionGroups.fields`, `FieldOperationMetadata`).
@Suite struct AdminFieldTests {
    private static let retry = RetryPolicy(maxAttempts: 2, initialBackoff: 0.05, maxBackoff: 0.1)
    private static let database = "projects/tradeya-staging/databases/(default)"

    /// `fieldSeconds`: how long a field update runs; a test that looks at one while it runs makes it
    /// long and ends it with `finish`, so a busy machine cannot make the update end too early.
    private func withAdmin(fieldSeconds: String = "0.6", _ body: (StandInServer, AdminClient) async throws -> Void) async throws {
        let server = try await StandInServer.start(.adminAPI)
        defer { server.stop() }
        try await server.control("/control/config", ["fieldUpdateSeconds": .number(fieldSeconds)])
        let auth = try EnvironmentTokenProvider(environment: ["TOKEN": "field-test-token"], variable: "TOKEN")
        let admin = AdminClient(projectID: "tradeya-staging", endpoint: server.baseURL, auth: auth, retry: Self.retry, timeout: 20)
        try await body(server, admin)
    }

    private func finish(_ server: StandInServer, _ operation: AdminOperation) async throws {
        _ = try await server.control("/control/finish-operation", ["name": .string(operation.name)])
    }

    @Test func exemptionRunsAsAFieldOperationThenTheFieldIsListedAsAnOverride() async throws {
        try await withAdmin { server, admin in
            #expect(try await admin.listFieldOverrides().isEmpty, "the database default is never an override")
            let inherited = try await admin.field(collectionGroup: "trades", fieldPath: "migratedAt")
            #expect(inherited.usesAncestorConfig)
            #expect(inherited.ancestorField == "\(Self.database)/collectionGroups/__default__/fields/*")
            #expect(inherited.indexes.map(\.description) == ["ASC COLLECTION", "DESC COLLECTION", "CONTAINS COLLECTION"])

            let started = try await admin.patchField(collectionGroup: "trades", fieldPath: "migratedAt", indexes: [])
            #expect(started.kind == "FieldOperationMetadata")
            #expect(!started.done)
            #expect(started.state == "PROCESSING")
            #expect(started.fieldName == "\(Self.database)/collectionGroups/trades/fields/migratedAt")
            #expect(started.indexConfigDeltas.map(\.description) == ["REMOVE ASC COLLECTION", "REMOVE DESC COLLECTION", "REMOVE CONTAINS COLLECTION"])
            #expect(started.indexName == nil)

            let finished = try await admin.waitForOperation(named: started.name, pollInterval: 0.1, timeout: 10)
            #expect(finished.state == "SUCCESSFUL")
            #expect(finished.fieldName == started.fieldName)
            let listed = try await admin.listFieldOverrides()
            #expect(listed.map(\.name) == ["\(Self.database)/collectionGroups/trades/fields/migratedAt"])
            #expect(listed.first?.indexes == [])
            #expect(listed.first?.usesAncestorConfig == false)
            #expect(listed.first?.ttlState == nil)

            let patch = try #require(try await server.requests().first { $0.method == "PATCH" })
            #expect(patch.path == "/v1/\(Self.database)/collectionGroups/trades/fields/migratedAt")
            #expect(patch.query == "updateMask=indexConfig")
            let body = try JSON.parse(Data(patch.body.utf8))
            #expect(body["indexConfig"]?["indexes"]?.arrayValue?.isEmpty == true)
            #expect(body["ttlConfig"] == nil)
            let list = try #require(try await server.requests().first { $0.path.hasSuffix("/collectionGroups/-/fields") })
            #expect(list.query.removingPercentEncoding?.contains("filter=indexConfig.usesAncestorConfig=false OR ttlConfig:*") == true, "\(list.query)")
        }
    }

    @Test func indexesAndTTLArePatchedUnderTheirMaskAndNewIndexesBuild() async throws {
        try await withAdmin(fieldSeconds: "600") { server, admin in
            let indexes = [AdminField.Index(queryScope: .collectionGroup, mode: .ascending), AdminField.Index(mode: .arrayContains)]
            let started = try await admin.patchField(collectionGroup: "sessions", fieldPath: "expiresAt", indexes: indexes, ttl: true)
            #expect(started.ttlConfigDelta == "ADD")
            #expect(started.indexConfigDeltas.map(\.description).sorted()
                == ["ADD ASC COLLECTION_GROUP", "REMOVE ASC COLLECTION", "REMOVE DESC COLLECTION"])
            let building = try await admin.field(collectionGroup: "sessions", fieldPath: "expiresAt")
            #expect(building.indexes.map(\.state) == [.creating, .ready])
            #expect(building.ttlState == .creating)
            try await finish(server, started)
            _ = try await admin.waitForOperation(named: started.name, pollInterval: 0.1, timeout: 10)
            let built = try await admin.field(collectionGroup: "sessions", fieldPath: "expiresAt")
            #expect(built.indexes == indexes.map { var index = $0; index.state = .ready; return index })
            #expect(built.ttlState == .active)
            #expect(try await server.requests().last { $0.method == "PATCH" }?.query == "updateMask=indexConfig,ttlConfig")

            // TTL off: ttlConfig named in the mask and absent from the body.
            let off = try await admin.patchField(collectionGroup: "sessions", fieldPath: "expiresAt", indexes: indexes, ttl: false)
            #expect(off.ttlConfigDelta == "REMOVE")
            let body = try JSON.parse(Data(try #require(try await server.requests().last { $0.method == "PATCH" }).body.utf8))
            #expect(body["ttlConfig"] == nil)
            try await finish(server, off)
            _ = try await admin.waitForOperation(named: off.name, pollInterval: 0.1, timeout: 10)
            #expect(try await admin.field(collectionGroup: "sessions", fieldPath: "expiresAt").ttlState == nil)
        }
    }

    @Test func resetGoesBackToTheAncestorConfiguration() async throws {
        try await withAdmin(fieldSeconds: "600") { server, admin in
            let exempt = try await admin.patchField(collectionGroup: "trades", fieldPath: "migratedAt", indexes: [])
            try await finish(server, exempt)
            _ = try await admin.waitForOperation(named: exempt.name, pollInterval: 0.1, timeout: 10)
            let name = "\(Self.database)/collectionGroups/trades/fields/migratedAt"
            let reset = try await admin.resetField(named: name)
            #expect(reset.fieldName == name)
            #expect(reset.indexConfigDeltas.map(\.description) == ["ADD ASC COLLECTION", "ADD DESC COLLECTION", "ADD CONTAINS COLLECTION"])
            let reverting = try await admin.field(named: name)
            #expect(!reverting.usesAncestorConfig && reverting.reverting && reverting.indexes.isEmpty, "the override holds until the revert is done")
            #expect(try await admin.listFieldOverrides().map(\.name) == [name])
            try await finish(server, reset)
            _ = try await admin.waitForOperation(named: reset.name, pollInterval: 0.1, timeout: 10)
            let after = try await admin.field(named: name)
            #expect(after.usesAncestorConfig && !after.reverting)
            #expect(try await admin.listFieldOverrides().isEmpty)
        }
    }

    @Test func fieldPathsAreQuotedInNamesAndURLs() async throws {
        #expect(try AdminField.resourceName(database: "d", collectionGroup: "g", fieldPath: "`plain`.x") == "d/collectionGroups/g/fields/plain.x")
        #expect(try AdminField.resourceName(database: "d", collectionGroup: "g", fieldPath: "`odd-name`.`1st`") == "d/collectionGroups/g/fields/`odd-name`.`1st`")
        #expect(try AdminField.resourceName(database: "d", collectionGroup: "g", fieldPath: "*") == "d/collectionGroups/g/fields/*")
        #expect(throws: FieldPathError.self) { try AdminField.resourceName(database: "d", collectionGroup: "g", fieldPath: "a..b") }
        let parsed = try AdminField.parse(name: "d/collectionGroups/g/fields/`a\\`b`.`plain`")
        #expect(parsed.collectionGroup == "g" && parsed.fieldPath == "`a\\`b`.plain")

        try await withAdmin { server, admin in
            let started = try await admin.patchField(collectionGroup: "trades", fieldPath: "`a/b`.`odd-name`", indexes: [.init(mode: .descending)])
            #expect(started.fieldName == "\(Self.database)/collectionGroups/trades/fields/`a/b`.`odd-name`")
            let patch = try #require(try await server.requests().first { $0.method == "PATCH" })
            #expect(patch.path == "/v1/\(Self.database)/collectionGroups/trades/fields/`a/b`.`odd-name`", "the / inside backticks is not a separator")
            let body = try JSON.parse(Data(patch.body.utf8))
            #expect(body["indexConfig"]?["indexes"]?.arrayValue?.first?["fields"]?.arrayValue?.first?["fieldPath"]?.stringValue == "`a/b`.`odd-name`")
            let field = try await admin.field(named: try #require(started.fieldName))
            #expect(field.fieldPath == "`a/b`.`odd-name`")
            #expect(field.collectionGroup == "trades")

            let error = try await #require(throws: FirestoreError.self) {
                try await admin.patchField(collectionGroup: "trades", fieldPath: "a.`open", indexes: [])
            }
            #expect(error.code == .invalidArgument)
            #expect(try await server.requests().filter { $0.method == "PATCH" }.count == 1, "a bad path is refused before any request")
        }
    }

    @Test func listingFollowsEveryPage() async throws {
        try await withAdmin { server, admin in
            for number in 0..<103 {
                _ = try await server.control("/control/seed-field", [
                    "name": .string("\(Self.database)/collectionGroups/g\(number / 50)/fields/f\(number)"), "indexes": .array([]),
                ])
            }
            let listed = try await admin.listFieldOverrides()
            #expect(listed.count == 103)
            #expect(Set(listed.map(\.fieldPath)).count == 103)
            let pages = try await server.requests().filter { $0.path.hasSuffix("/fields") }
            #expect(pages.count == 2, "104 fields with the default, 100 a page")
            #expect(pages.last?.query.contains("pageToken=100") == true)
        }
    }

    @Test func aFailedUpdateEndsWithItsErrorAndTheFieldAsBefore() async throws {
        try await withAdmin { server, admin in
            try await server.control("/control/config", ["failNextFieldUpdates": .number("1")])
            let started = try await admin.patchField(collectionGroup: "trades", fieldPath: "migratedAt", indexes: [])
            let error = try await #require(throws: FirestoreError.self) {
                try await admin.waitForOperation(named: started.name, pollInterval: 0.1, timeout: 10)
            }
            #expect(error.code == .internal)
            #expect(error.message.contains("migratedAt"))
            let failed = try await admin.operation(named: started.name)
            #expect(failed.state == "FAILED" && failed.fieldName == started.fieldName)
            #expect(try await admin.field(collectionGroup: "trades", fieldPath: "migratedAt").usesAncestorConfig)
            #expect(try await admin.listOperations().compactMap(\.fieldName) == [started.fieldName].compactMap { $0 })
        }
    }

    @Test func anEmulatorClientSaysThereIsNoAdminAPI() async throws {
        let admin = AdminClient(emulatorHost: "127.0.0.1:1", projectID: "tradeya-dev")
        let error = try await #require(throws: FirestoreError.self) { try await admin.listFieldOverrides() }
        #expect(error.code == .unimplemented)
        #expect(error.message.contains("field overrides"))
    }
}
