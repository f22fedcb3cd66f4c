import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Access tokens for a service account: a JWT signed with the account's key, exchanged at the
/// key's `token_uri` (the OAuth 2.0 JWT-bearer grant, RFC 7523).
///
/// Tokens are cached until `refreshMargin` before they expire and refreshed once for all
/// concurrent callers.
public struct ServiceAccountTokenProvider: AccessTokenProvider, CustomStringConvertible {
    /// Firestore's data and Admin APIs accept either; asking for both covers exports too.
    public static let defaultScopes = [
        "https://www.googleapis.com/auth/datastore",
        "https://www.googleapis.com/auth/cloud-platform",
    ]

    public let key: ServiceAccountKey
    private let cache: TokenCache

    /// - Parameters:
    ///   - tokenURI: overrides the key's `token_uri` (tests point it at a local stand-in).
    ///   - now: the clock, injectable so expiry can be tested without waiting an hour.
    public init(
        key: ServiceAccountKey,
        scopes: [String] = ServiceAccountTokenProvider.defaultScopes,
        tokenURI: URL? = nil,
        refreshMargin: TimeInterval = 300,
        session: URLSession? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        var key = key
        if let tokenURI { key.tokenURI = tokenURI }
        self.key = key
        let endpoint = TokenEndpoint(session: session ?? .tokenSession())
        let signingKey = key
        cache = TokenCache(refreshMargin: refreshMargin, now: now) {
            let issuedAt = now()
            let assertion = try signingKey.signedAssertion(scopes: scopes, now: issuedAt)
            var request = URLRequest(url: signingKey.tokenURI)
            request.httpMethod = "POST"
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(
                "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=\(assertion)".utf8)
            return try await endpoint.fetch(request, operation: "token exchange for \(signingKey.clientEmail)", now: issuedAt)
        }
    }

    /// Reads the key at `path` (e.g. `GOOGLE_APPLICATION_CREDENTIALS`).
    public init(keyPath: String, scopes: [String] = ServiceAccountTokenProvider.defaultScopes) throws {
        self.init(key: try ServiceAccountKey.load(path: keyPath), scopes: scopes)
    }

    public func authorizationHeader() async throws -> String {
        "Bearer \(try await cache.token().value)"
    }

    /// Drops the cached token so the next call fetches a new one (after a 401).
    public func invalidate() async { await cache.invalidate() }

    public var description: String { "service account \(key.clientEmail)" }
}
