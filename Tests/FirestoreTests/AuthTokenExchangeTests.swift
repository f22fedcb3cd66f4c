import Firestore
import FirestoreTesting
import Foundation
import Testing

/// The service-account provider against the OAuth stand-in, which verifies the JWT's signature
/// (in pure Python), audience, scope and lifetime before it issues a token.
@Suite struct AuthTokenExchangeTests {
    /// Starts the token stand-in with a fresh key registered, runs `body`, stops it.
    private func withTokenEndpoint(_ body: (StandInServer, TestServiceAccount) async throws -> Void) async throws {
        let oauth = try await StandInServer.start(.oauthToken)
        defer { oauth.stop() }
        let account = try TestServiceAccount(tokenURI: oauth.baseURL.appendingPathComponent("token").absoluteString)
        defer { account.remove() }
        try await oauth.control("/control/keys", [
            "clientEmail": .string(account.clientEmail), "publicKeyPem": .string(account.publicKeyPEM),
        ])
        try await body(oauth, account)
    }

    private func issued(_ oauth: StandInServer) async throws -> Int64 {
        try await oauth.control("/control/issued")["issued"]?.int64Value ?? -1
    }

    @Test func exchangeReturnsTokenAndCachesIt() async throws {
        try await withTokenEndpoint { oauth, account in
            let provider = try ServiceAccountTokenProvider(keyPath: account.keyFilePath)
            let first = try await provider.authorizationHeader()
            let second = try await provider.authorizationHeader()
            #expect(first == "Bearer standin-token-1")
            #expect(second == first)
            #expect(try await issued(oauth) == 1)

            let requests = try await oauth.requests()
            #expect(requests.count == 1)
            #expect(requests.first?.method == "POST")
            #expect(requests.first?.headers["content-type"] == "application/x-www-form-urlencoded")
            #expect(requests.first?.body.hasPrefix("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=") == true)
        }
    }

    @Test func concurrentCallersShareOneTokenRequest() async throws {
        try await withTokenEndpoint { oauth, account in
            try await oauth.control("/control/delay", ["seconds": .number("0.4")])
            let provider = try ServiceAccountTokenProvider(keyPath: account.keyFilePath)
            let headers = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<64 { group.addTask { try await provider.authorizationHeader() } }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(headers.count == 64)
            #expect(Set(headers) == ["Bearer standin-token-1"])
            #expect(try await issued(oauth) == 1, "64 concurrent callers must cause exactly one token request")
            #expect(try await oauth.requests().count == 1)
        }
    }

    @Test func tokenIsRefreshedShortlyBeforeExpiry() async throws {
        try await withTokenEndpoint { _, account in
            // Start an hour back so that every JWT the moved clock signs is still in the
            // stand-in's past: it checks iat and exp against its own (real) clock.
            let clock = TestClock(start: Date().addingTimeInterval(-3500))
            let key = try ServiceAccountKey.load(path: account.keyFilePath)
            let provider = ServiceAccountTokenProvider(key: key, refreshMargin: 300, now: { clock.now })
            let first = try await provider.authorizationHeader()
            clock.advance(by: 3600 - 301)   // 301 s left: still cached
            let second = try await provider.authorizationHeader()
            clock.advance(by: 2)             // 299 s left: inside the margin, refreshed
            let third = try await provider.authorizationHeader()
            #expect(first == "Bearer standin-token-1")
            #expect(second == first)
            #expect(third == "Bearer standin-token-2")
        }
    }

    @Test func wrongKeyIsRefusedWithoutLeakingSecrets() async throws {
        try await withTokenEndpoint { oauth, account in
            // Same account name, different key: the stand-in's signature check must refuse it.
            let stranger = try TestServiceAccount(
                tokenURI: oauth.baseURL.appendingPathComponent("token").absoluteString, clientEmail: account.clientEmail)
            defer { stranger.remove() }
            let provider = try ServiceAccountTokenProvider(keyPath: stranger.keyFilePath)
            let error = try await #require(throws: FirestoreError.self) { try await provider.authorizationHeader() }
            #expect(error.code == .unauthenticated)
            #expect(error.httpStatus == 400)
            #expect(error.message.contains("Invalid JWT Signature"), "\(error)")
            let jwt = try await oauth.requests().first?.body.components(separatedBy: "assertion=").last ?? ""
            #expect(!jwt.isEmpty)
            #expect(!error.description.contains(jwt))
            #expect(!error.description.contains(stranger.privateKeyPEM.split(separator: "\n")[1]))
        }
    }

    @Test func serverErrorIsRetriedThenSucceeds() async throws {
        try await withTokenEndpoint { oauth, account in
            try await oauth.control("/control/fail", [
                "pathContains": .string("/token"), "httpStatus": .number("503"), "status": .string("UNAVAILABLE"), "times": .number("1"),
            ])
            let provider = try ServiceAccountTokenProvider(keyPath: account.keyFilePath)
            #expect(try await provider.authorizationHeader() == "Bearer standin-token-1")
            #expect(try await oauth.requests().count == 2)
        }
    }

    @Test func failedRefreshIsNotCachedAndTheNextCallTriesAgain() async throws {
        try await withTokenEndpoint { oauth, account in
            try await oauth.control("/control/fail", [
                "pathContains": .string("/token"), "httpStatus": .number("403"), "status": .string("PERMISSION_DENIED"), "times": .number("1"),
            ])
            let provider = try ServiceAccountTokenProvider(keyPath: account.keyFilePath)
            let error = try await #require(throws: FirestoreError.self) { try await provider.authorizationHeader() }
            #expect(error.code == .unauthenticated)
            #expect(error.httpStatus == 403)
            #expect(try await provider.authorizationHeader() == "Bearer standin-token-1")
        }
    }

    @Test func unreachableEndpointIsUnavailableNamingIt() async throws {
        try await withTokenEndpoint { oauth, account in
            let port = oauth.port
            oauth.stop()
            let provider = try ServiceAccountTokenProvider(keyPath: account.keyFilePath)
            let error = try await #require(throws: FirestoreError.self) { try await provider.authorizationHeader() }
            #expect(error.code == .unavailable)
            #expect(error.target.contains("127.0.0.1:\(port)/token"), "\(error.target)")
        }
    }
}
