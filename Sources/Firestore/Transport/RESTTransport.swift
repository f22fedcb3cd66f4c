import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// JSON over HTTPS (or HTTP to an emulator) for any Google REST API: Firestore, its Admin API, or
/// a local stand-in.
///
/// One `URLSession` per transport, shared by every call, so connections are reused and calls run
/// concurrently. Every failure becomes a ``FirestoreError`` naming the operation and the target.
public final class RESTTransport: Sendable {
    /// Paths are resolved against it, e.g. `http://127.0.0.1:8080/v1/` or `https://firestore.googleapis.com/v1/`.
    public let baseURL: URL
    /// What errors name as the target, e.g. `projects/p/databases/(default) at 127.0.0.1:8080`.
    public let target: String
    public let auth: (any AccessTokenProvider)?
    public let retry: RetryPolicy
    /// The deadline of one call including its retries.
    public let timeout: TimeInterval
    let session: URLSession

    public init(
        baseURL: URL, target: String? = nil, auth: (any AccessTokenProvider)?, retry: RetryPolicy = .default,
        timeout: TimeInterval = 60, maxConnections: Int = 32
    ) {
        self.baseURL = baseURL.absoluteString.hasSuffix("/") ? baseURL : baseURL.appendingPathComponent("")
        self.target = target ?? baseURL.host.map { host in baseURL.port.map { "\(host):\($0)" } ?? host } ?? baseURL.absoluteString
        self.auth = auth
        self.retry = retry
        self.timeout = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = maxConnections
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.timeoutIntervalForRequest = timeout
        session = URLSession(configuration: configuration)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// Sends one JSON request and decodes the JSON answer, retrying transient failures.
    ///
    /// - Parameters:
    ///   - path: relative to ``baseURL``, already percent-encoded where needed
    ///     (e.g. `projects/p/databases/(default)/documents:commit`).
    ///   - operation: what the error message calls this call, e.g. `commit` or `runQuery trades`.
    ///   - retry: overrides the transport's policy (e.g. `.none` inside a transaction).
    ///   - timeout: overrides the transport's deadline for this call.
    public func send(
        _ method: String, _ path: String, query: [URLQueryItem] = [], body: JSON? = nil, operation: String,
        retry: RetryPolicy? = nil, timeout: TimeInterval? = nil
    ) async throws(FirestoreError) -> JSON {
        try await send(method, path, query: query, encodedBody: body?.serialized(), operation: operation, retry: retry, timeout: timeout)
    }

    /// Like ``send(_:_:query:body:operation:retry:timeout:)`` with a body already encoded as JSON text.
    public func send(
        _ method: String, _ path: String, query: [URLQueryItem] = [], encodedBody: Data?, operation: String,
        retry: RetryPolicy? = nil, timeout: TimeInterval? = nil
    ) async throws(FirestoreError) -> JSON {
        let data = try await sendRaw(
            method, path, query: query, body: encodedBody, operation: operation, retry: retry, timeout: timeout)
        if data.isEmpty { return .object([:]) }
        let json: JSON
        do { json = try JSON.parse(data) } catch {
            throw failure(.unknown, "the response is not JSON (\(error)): \(RESTTransport.snippet(data))", operation)
        }
        if case .array(let elements) = json, let first = elements.first, let error = first["error"] {
            throw decodeError(error, status: nil, operation: operation)  // a streamed method failing mid-stream
        }
        return json
    }

    /// Like ``send(_:_:query:body:operation:retry:timeout:)`` but with raw bytes, for callers with
    /// their own codec. A non-2xx answer still becomes a ``FirestoreError``.
    public func sendRaw(
        _ method: String, _ path: String, query: [URLQueryItem] = [], body: Data? = nil, operation: String,
        retry: RetryPolicy? = nil, timeout: TimeInterval? = nil
    ) async throws(FirestoreError) -> Data {
        let policy = retry ?? self.retry
        let deadline = Date().addingTimeInterval(timeout ?? self.timeout)
        let url = try makeURL(path, query: query, operation: operation)
        var attempt = 0
        var refreshedToken = false
        while true {
            attempt += 1
            do {
                return try await attemptOnce(method, url, body: body, operation: operation, deadline: deadline)
            } catch let error where error.httpStatus == 401 && !refreshedToken {
                // A cached token the server no longer accepts (revoked, key rotated): fetch a new
                // one and try once more; a second 401 is reported.
                guard let refreshable = auth as? any RefreshableTokenProvider else { throw error }
                await refreshable.invalidate()
                refreshedToken = true
                attempt -= 1
            } catch let error {
                guard policy.shouldRetry(error, attempt: attempt) else { throw error }
                let wait = policy.backoff(afterAttempt: attempt)
                guard Date().addingTimeInterval(wait) < deadline else { throw error }
                do { try await Task.sleep(nanoseconds: UInt64(wait * 1e9)) } catch {
                    throw failure(.cancelled, "cancelled while waiting to retry", operation)
                }
            }
        }
    }

    func makeURL(_ path: String, query: [URLQueryItem], operation: String) throws(FirestoreError) -> URL {
        guard var components = URLComponents(string: baseURL.absoluteString + path) else {
            throw failure(.invalidArgument, "cannot build a URL from \(baseURL.absoluteString) and \(path)", operation)
        }
        if !query.isEmpty { components.queryItems = (components.queryItems ?? []) + query }
        guard let url = components.url else { throw failure(.invalidArgument, "invalid URL for \(path)", operation) }
        return url
    }

    func attemptOnce(_ method: String, _ url: URL, body: Data?, operation: String, deadline: Date) async throws(FirestoreError) -> Data {
        if Task.isCancelled { throw failure(.cancelled, "the call was cancelled", operation) }
        let remaining = deadline.timeIntervalSinceNow
        guard remaining > 0 else { throw failure(.deadlineExceeded, "no answer before the deadline", operation) }
        var request = URLRequest(url: url, timeoutInterval: remaining)
        request.httpMethod = method
        request.httpBody = body
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let auth {
            do { request.setValue(try await auth.authorizationHeader(), forHTTPHeaderField: "Authorization") } catch let error as FirestoreError {
                throw error
            } catch {
                throw failure(.unauthenticated, "no access token: \(error)", operation)
            }
        }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw mapTransportError(error, operation: operation, deadline: deadline)
        }
        guard let http = response as? HTTPURLResponse else {
            throw failure(.unknown, "the answer is not an HTTP response", operation)
        }
        if (200..<300).contains(http.statusCode) { return data }
        throw errorFromResponse(data, status: http.statusCode, operation: operation)
    }
}
