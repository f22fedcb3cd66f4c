import Firestore
import FirestoreTesting
import Foundation
import Testing

@Suite struct AuthMetadataServerTests {
    @Test func tokenFromMetadataServerWithFlavorHeaderAndCache() async throws {
        let server = try await StandInServer.start(.metadataServer)
        defer { server.stop() }
        let provider = MetadataServerTokenProvider(environment: ["GCE_METADATA_HOST": server.hostAndPort])
        #expect(provider.host == server.hostAndPort)
        let first = try await provider.authorizationHeader()
        let second = try await provider.authorizationHeader()
        #expect(first == "Bearer metadata-token-1")
        #expect(second == first)
        let requests = try await server.requests()
        #expect(requests.count == 1)
        #expect(requests.first?.path == "/computeMetadata/v1/instance/service-accounts/default/token")
        #expect(requests.first?.headers["metadata-flavor"] == "Google")
    }

    @Test func invalidateFetchesAFreshTokenOnce() async throws {
        let server = try await StandInServer.start(.metadataServer)
        defer { server.stop() }
        let provider: any RefreshableTokenProvider = MetadataServerTokenProvider(host: server.hostAndPort)
        #expect(try await provider.authorizationHeader() == "Bearer metadata-token-1")
        await provider.invalidate()
        #expect(try await provider.authorizationHeader() == "Bearer metadata-token-2")
        #expect(try await provider.authorizationHeader() == "Bearer metadata-token-2")
    }

    @Test func shortLivedMetadataTokenIsRefreshed() async throws {
        let server = try await StandInServer.start(.metadataServer)
        defer { server.stop() }
        try await server.control("/control/config", ["expiresIn": .number("200")])
        // 200 s of life is inside the 300 s margin: every call must fetch anew.
        let provider = MetadataServerTokenProvider(host: server.hostAndPort)
        #expect(try await provider.authorizationHeader() == "Bearer metadata-token-1")
        #expect(try await provider.authorizationHeader() == "Bearer metadata-token-2")
    }

    @Test func stoppedMetadataServerIsAClearUnavailableError() async throws {
        let server = try await StandInServer.start(.metadataServer)
        let host = server.hostAndPort
        server.stop()
        let provider = MetadataServerTokenProvider(host: host)
        let error = try await #require(throws: FirestoreError.self) { try await provider.authorizationHeader() }
        #expect(error.code == .unavailable)
        #expect(error.operation == "metadata server token")
        #expect(error.target.contains(host))
    }

    @Test func defaultHostWithoutOverride() {
        #expect(MetadataServerTokenProvider(environment: [:]).host == "metadata.google.internal")
        #expect(MetadataServerTokenProvider(environment: ["GCE_METADATA_HOST": ""]).host == "metadata.google.internal")
    }
}
