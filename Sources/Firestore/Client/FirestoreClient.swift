import Foundation

/// A client for one Firestore database over the v1 REST API: the real service or an emulator.
///
/// Reads come from ``FirestoreReading``; writes (commit, batchWrite, transactions) exist only on
/// the client. It is `Sendable` and meant to be shared: one `URLSession` serves every call, and
/// calls may run concurrently.
///
/// ```swift
/// let client = FirestoreClient.emulator(host: "127.0.0.1:8080", projectID: "tradeya-dev")
/// let trade = try await client.get("trades/t1")
/// ```
public final class FirestoreClient: FirestoreReading {
    public let projectID: String
    public let databaseID: String
    public let transport: RESTTransport
    /// `projects/{p}/databases/{d}`.
    public let databaseName: String
    /// `projects/{p}/databases/{d}/documents`: document names start with it.
    public let documentsRoot: String
    /// True for a client made by ``emulator(host:projectID:databaseID:retry:timeout:maxConnections:)``.
    public let isEmulator: Bool

    public static let productionEndpoint = URL(string: "https://firestore.googleapis.com")!

    public convenience init(
        projectID: String, databaseID: String = "(default)", endpoint: URL = FirestoreClient.productionEndpoint,
        auth: (any AccessTokenProvider)?, retry: RetryPolicy = .default, timeout: TimeInterval = 60, maxConnections: Int = 32
    ) {
        self.init(projectID: projectID, databaseID: databaseID, endpoint: endpoint, auth: auth, retry: retry,
                  timeout: timeout, maxConnections: maxConnections, isEmulator: false)
    }

    init(
        projectID: String, databaseID: String, endpoint: URL, auth: (any AccessTokenProvider)?, retry: RetryPolicy,
        timeout: TimeInterval, maxConnections: Int, isEmulator: Bool
    ) {
        self.isEmulator = isEmulator
        self.projectID = projectID
        self.databaseID = databaseID
        databaseName = "projects/\(projectID)/databases/\(databaseID)"
        documentsRoot = databaseName + "/documents"
        let host = endpoint.host.map { host in endpoint.port.map { "\(host):\($0)" } ?? host } ?? endpoint.absoluteString
        transport = RESTTransport(
            baseURL: endpoint.appendingPathComponent("v1"), target: "\(databaseName) at \(host)", auth: auth,
            retry: retry, timeout: timeout, maxConnections: maxConnections)
    }

    /// A client for an emulator at `host` (`127.0.0.1:8080`, as in `FIRESTORE_EMULATOR_HOST`),
    /// authorised as `Bearer owner` like Google's clients do, which bypasses security rules.
    public static func emulator(
        host: String, projectID: String, databaseID: String = "(default)", retry: RetryPolicy = .default,
        timeout: TimeInterval = 60, maxConnections: Int = 32
    ) -> FirestoreClient {
        FirestoreClient(
            projectID: projectID, databaseID: databaseID, endpoint: URL(string: "http://\(host)")!, auth: EmulatorTokenProvider(),
            retry: retry, timeout: timeout, maxConnections: maxConnections, isEmulator: true)
    }

    /// The full resource name of a document or collection path (`trades/t1` → `projects/…/documents/trades/t1`).
    public func name(_ path: String) -> String { FirestoreClient.resolve(path, root: documentsRoot) }

    static func resolve(_ path: String, root: String) -> String {
        if path.hasPrefix("projects/") { return path }
        let trimmed = path.drop { $0 == "/" }
        return trimmed.isEmpty ? root : root + "/" + trimmed
    }

    /// A resource name as a URL path: each segment percent-encoded (`:` too, since it starts a custom method).
    static func urlPath(_ name: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: ":/;?#%")
        return name.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.addingPercentEncoding(withAllowedCharacters: allowed) ?? String($0) }
            .joined(separator: "/")
    }

    static func decode<T>(_ operation: String, _ target: String, _ body: () throws(FirestoreDecodingError) -> T) throws(FirestoreError) -> T {
        do { return try body() } catch {
            throw FirestoreError(code: .internal, message: error.description, operation: operation, target: target)
        }
    }

    static func timestamp(_ json: JSON?) -> Timestamp? {
        json?.stringValue.flatMap { try? Timestamp(rfc3339: $0) }
    }
}
