import Foundation

/// Holds one access token and refreshes it shortly before it expires.
///
/// Concurrent callers that find the token stale share one refresh: the first starts a task, the
/// others await the same task, so a burst of a thousand requests costs one token request.
actor TokenCache {
    typealias Fetch = @Sendable () async throws -> AccessToken

    private let fetch: Fetch
    private let refreshMargin: TimeInterval
    private let now: @Sendable () -> Date
    private var current: AccessToken?
    private var inFlight: Task<AccessToken, Error>?

    /// - Parameter refreshMargin: how long before expiry a token counts as stale, so a request
    ///   never leaves with a token that dies on the way.
    init(refreshMargin: TimeInterval, now: @escaping @Sendable () -> Date, fetch: @escaping Fetch) {
        self.fetch = fetch
        self.refreshMargin = refreshMargin
        self.now = now
    }

    func token() async throws -> AccessToken {
        if let current, current.expiresAt.timeIntervalSince(now()) > refreshMargin {
            return current
        }
        if let inFlight {
            return try await inFlight.value
        }
        let task = Task { try await fetch() }
        inFlight = task
        do {
            let token = try await task.value
            current = token
            inFlight = nil
            return token
        } catch {
            inFlight = nil
            throw error
        }
    }

    /// Forgets the token, e.g. after the server answered 401 with it.
    func invalidate() {
        current = nil
    }
}

/// A provider whose cached token can be dropped, so that a caller who got `401 UNAUTHENTICATED`
/// with a token that should still be valid (revoked, rotated key) can fetch a fresh one once.
public protocol RefreshableTokenProvider: AccessTokenProvider {
    func invalidate() async
}

extension ServiceAccountTokenProvider: RefreshableTokenProvider {}
extension MetadataServerTokenProvider: RefreshableTokenProvider {}
