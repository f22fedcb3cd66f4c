import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The one HTTP exchange every token provider makes: send a request, read `access_token` and
/// `expires_in` from the JSON answer.
///
/// Failures become `FirestoreError` (`UNAUTHENTICATED` for a refusal, `UNAVAILABLE` for a server
/// or network failure, retried a few times) naming the endpoint; the answer body is quoted only
/// through its `error` fields, never whole, so a token cannot leak into a message.
struct TokenEndpoint: Sendable {
    var session: URLSession
    var attempts: Int = 3
    var timeout: TimeInterval = 30

    func fetch(_ request: URLRequest, operation: String, now: Date) async throws -> AccessToken {
        var request = request
        request.timeoutInterval = timeout
        let target = request.url.map { "\($0.scheme ?? "")://\($0.host ?? "")\($0.port.map { ":\($0)" } ?? "")\($0.path)" } ?? "?"
        var lastError: FirestoreError?
        for attempt in 0..<max(1, attempts) {
            if attempt > 0 {
                try await Task.sleep(nanoseconds: UInt64(200_000_000 * (1 << (attempt - 1))))
            }
            let data: Data
            let response: URLResponse
            do {
                (data, response) = try await session.data(for: request)
            } catch is CancellationError {
                throw FirestoreError(code: .cancelled, message: "cancelled", operation: operation, target: target)
            } catch {
                lastError = FirestoreError(
                    code: .unavailable, message: "cannot reach the token endpoint: \(error.localizedDescription)",
                    operation: operation, target: target)
                continue
            }
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            guard (200..<300).contains(status) else {
                let failure = FirestoreError(
                    code: status >= 500 || status == 429 ? .unavailable : .unauthenticated,
                    message: "token endpoint refused: \(Self.describeError(object, status: status))",
                    operation: operation, target: target, httpStatus: status)
                if failure.code == .unavailable { lastError = failure; continue }
                throw failure
            }
            guard let object, let value = object["access_token"] as? String, !value.isEmpty else {
                throw FirestoreError(
                    code: .unauthenticated, message: "token endpoint answered without an access_token",
                    operation: operation, target: target, httpStatus: status)
            }
            let lifetime = (object["expires_in"] as? NSNumber)?.doubleValue
                ?? (object["expires_in"] as? String).flatMap(Double.init) ?? 3600
            return AccessToken(value: value, expiresAt: now.addingTimeInterval(lifetime))
        }
        throw lastError ?? FirestoreError(code: .unavailable, message: "no attempt made", operation: operation, target: target)
    }

    /// OAuth errors are `{"error": "invalid_grant", "error_description": "…"}`; Google's API
    /// errors are `{"error": {"status": …, "message": …}}`. Neither carries a secret.
    static func describeError(_ object: [String: Any]?, status: Int) -> String {
        if let code = object?["error"] as? String {
            let detail = (object?["error_description"] as? String).map { ": \($0)" } ?? ""
            return "HTTP \(status) \(code)\(detail)"
        }
        if let error = object?["error"] as? [String: Any] {
            return "HTTP \(status) \(error["status"] as? String ?? "") \(error["message"] as? String ?? "")"
        }
        return "HTTP \(status)"
    }
}

extension URLSession {
    /// A session for token requests: no cookies, no cache, no shared state with other callers.
    static func tokenSession() -> URLSession {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        return URLSession(configuration: configuration)
    }
}
