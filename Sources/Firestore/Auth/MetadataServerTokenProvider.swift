import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Access tokens from the GCE / Cloud Run / GKE metadata server for the attached service account.
///
/// The host is `GCE_METADATA_HOST` when set (as Google's libraries honour), else
/// `metadata.google.internal`. Every request carries `Metadata-Flavor: Google`, which the server
/// requires so that a browser cannot be tricked into reading it.
public struct MetadataServerTokenProvider: AccessTokenProvider, CustomStringConvertible {
    public static let defaultHost = "metadata.google.internal"

    public let host: String
    private let cache: TokenCache

    public init(
        host: String = MetadataServerTokenProvider.defaultHost,
        scopes: [String]? = nil,
        refreshMargin: TimeInterval = 300,
        session: URLSession? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.host = host
        let tokenURL: URL = {
            var text = "http://\(host)/computeMetadata/v1/instance/service-accounts/default/token"
            if let scopes, !scopes.isEmpty {
                let joined = scopes.joined(separator: ",")
                text += "?scopes=" + (joined.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? joined)
            }
            return URL(string: text) ?? URL(string: "http://\(MetadataServerTokenProvider.defaultHost)/")!
        }()
        let endpoint = TokenEndpoint(session: session ?? .tokenSession(), timeout: 10)
        cache = TokenCache(refreshMargin: refreshMargin, now: now) {
            var request = URLRequest(url: tokenURL)
            request.setValue("Google", forHTTPHeaderField: "Metadata-Flavor")
            return try await endpoint.fetch(request, operation: "metadata server token", now: now())
        }
    }

    /// Uses `GCE_METADATA_HOST` from `environment` when present.
    public init(environment: [String: String]) {
        let host = environment["GCE_METADATA_HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultHost
        self.init(host: host)
    }

    public func authorizationHeader() async throws -> String {
        "Bearer \(try await cache.token().value)"
    }

    public func invalidate() async { await cache.invalidate() }

    public var description: String { "metadata server \(host)" }
}
