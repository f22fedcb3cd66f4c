import Firestore
import Foundation
import Testing

/// Credentials are chosen in Google's usual order, and a connection builds without the network.
@Suite struct EnvironmentConnectionTests {
    private let production = FirestoreEnvironment(name: "production", projectID: "tradeya-prod", isProtected: true)

    @Test func applicationDefaultPrefersTheKeyFileVariable() throws {
        let error = try #require(throws: CredentialsError.self) {
            try production.makeTokenProvider(processEnvironment: [
                "GOOGLE_APPLICATION_CREDENTIALS": "/missing/key.json", "GOOGLE_OAUTH_ACCESS_TOKEN": "ya29.x",
            ])
        }
        #expect(error.source == "/missing/key.json")
    }

    @Test func applicationDefaultThenTokenThenMetadataServer() async throws {
        let token = try production.makeTokenProvider(processEnvironment: ["GOOGLE_OAUTH_ACCESS_TOKEN": "ya29.x"])
        #expect(token is EnvironmentTokenProvider)
        #expect(try await token.authorizationHeader() == "Bearer ya29.x")
        let metadata = try production.makeTokenProvider(processEnvironment: ["GCE_METADATA_HOST": "127.0.0.1:1"])
        #expect((metadata as? MetadataServerTokenProvider)?.host == "127.0.0.1:1")
    }

    @Test func explicitAccessForms() throws {
        var environment = production
        environment.access = .environmentToken(variable: "OTHER_TOKEN")
        let missing = try #require(throws: CredentialsError.self) { try environment.makeTokenProvider(processEnvironment: [:]) }
        #expect(missing.source == "$OTHER_TOKEN")
        environment.access = .metadataServer(host: "10.1.2.3:8080")
        #expect((try environment.makeTokenProvider(processEnvironment: [:]) as? MetadataServerTokenProvider)?.host == "10.1.2.3:8080")
        environment.access = .emulator(host: "127.0.0.1:8080")
        #expect(try environment.makeTokenProvider(processEnvironment: [:]) is EmulatorTokenProvider)
    }

    @Test func emulatorConnectionHasNoAdminAPIAndSaysSo() async throws {
        var environment = production
        environment.access = .emulator(host: "127.0.0.1:8080")
        let connection = try EnvironmentConnection(environment: environment, processEnvironment: [:])
        #expect(connection.firestore.isEmulator)
        #expect(connection.firestore.projectID == "tradeya-prod")
        #expect(!connection.admin.supportsAdminAPI)
        let error = try await #require(throws: FirestoreError.self) { try await connection.admin.listIndexes() }
        #expect(error.code == .unimplemented)
        #expect(error.message.contains("emulator has no Admin API"))
        #expect(error.target.contains("127.0.0.1:8080"))
    }

    @Test func realConnectionUsesConfiguredEndpoints() throws {
        var environment = production
        environment.access = .environmentToken(variable: "T")
        environment.adminEndpoint = URL(string: "http://127.0.0.1:4444")
        let connection = try EnvironmentConnection(environment: environment, processEnvironment: ["T": "tok"])
        #expect(!connection.firestore.isEmulator)
        #expect(connection.admin.supportsAdminAPI)
        #expect(connection.admin.transport.baseURL.absoluteString == "http://127.0.0.1:4444/v1/")
        #expect(connection.firestore.transport.baseURL.absoluteString == "https://firestore.googleapis.com/v1/")
    }
}
