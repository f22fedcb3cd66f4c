import Foundation

/// The Cloud Firestore Admin API for one database: composite indexes, long-running operations,
/// export/import and database metadata.
///
/// It rides on the same `RESTTransport` as the data client (retries, deadlines, typed errors).
/// The emulator has no Admin API; a client made for an emulator answers every call with an
/// `UNIMPLEMENTED` error that says so, instead of a confusing 404.
public final class AdminClient: Sendable {
    public static let productionEndpoint = URL(string: "https://firestore.googleapis.com")!

    public let projectID: String
    public let databaseID: String
    /// `projects/P/databases/D`.
    public let databaseName: String
    public let transport: RESTTransport
    /// When set, the emulator host this client was made for: every call fails with UNIMPLEMENTED.
    public let emulatorHost: String?

    /// - Parameter endpoint: `https://firestore.googleapis.com`, or a local stand-in in tests.
    public init(
        projectID: String, databaseID: String = "(default)", endpoint: URL = AdminClient.productionEndpoint,
        auth: (any AccessTokenProvider)?, retry: RetryPolicy = .default, timeout: TimeInterval = 60
    ) {
        self.projectID = projectID
        self.databaseID = databaseID
        databaseName = "projects/\(projectID)/databases/\(databaseID)"
        let host = endpoint.host.map { host in endpoint.port.map { "\(host):\($0)" } ?? host } ?? endpoint.absoluteString
        transport = RESTTransport(
            baseURL: endpoint.appendingPathComponent("v1"), target: "\(databaseName) at \(host) (Admin API)",
            auth: auth, retry: retry, timeout: timeout, maxConnections: 4)
        emulatorHost = nil
    }

    /// A client for an environment served by the emulator: it exists so callers need no special
    /// case, and every call explains that the emulator has no Admin API.
    public init(emulatorHost: String, projectID: String, databaseID: String = "(default)") {
        self.projectID = projectID
        self.databaseID = databaseID
        databaseName = "projects/\(projectID)/databases/\(databaseID)"
        transport = RESTTransport(
            baseURL: URL(string: "http://\(emulatorHost)/v1")!, target: "\(databaseName) at \(emulatorHost) (emulator)",
            auth: nil, retry: .none)
        self.emulatorHost = emulatorHost
    }

    /// False for an emulator: indexes and exports do not exist there (the emulator answers any
    /// query without composite indexes).
    public var supportsAdminAPI: Bool { emulatorHost == nil }

    func send(_ method: String, _ path: String, query: [URLQueryItem] = [], body: JSON? = nil, operation: String)
        async throws(FirestoreError) -> JSON
    {
        try await sendEncoded(method, Self.urlPath(path), query: query, body: body, operation: operation)
    }

    /// `send` for a path already percent-encoded (a field name whose quoted segment holds a `/`).
    func sendEncoded(_ method: String, _ encodedPath: String, query: [URLQueryItem] = [], body: JSON? = nil, operation: String)
        async throws(FirestoreError) -> JSON
    {
        if let emulatorHost {
            throw FirestoreError(
                code: .unimplemented,
                message: "the Cloud Firestore emulator has no Admin API (composite indexes, field overrides, exports, operations, database metadata); "
                    + "it serves every query without composite indexes. Run this against a real project.",
                operation: operation, target: "\(databaseName) at \(emulatorHost) (emulator)")
        }
        // RESTTransport replaces a token the server refuses (401) once by itself.
        return try await transport.send(method, encodedPath, query: query, body: body, operation: operation)
    }

    func decode<T>(_ operation: String, _ body: () throws(AdminDecodingError) -> T) throws(FirestoreError) -> T {
        do { return try body() } catch {
            throw FirestoreError(
                code: .internal, message: "unexpected answer: \(error.description)", operation: operation, target: transport.target)
        }
    }

    /// A resource name as a URL path, each segment percent-encoded (`(default)` stays readable).
    static func urlPath(_ name: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/;?#%")
        return name.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.addingPercentEncoding(withAllowedCharacters: allowed) ?? String($0) }
            .joined(separator: "/")
    }

    // MARK: Database

    /// Database metadata: PITR, version retention, earliest readable version.
    public func database() async throws(FirestoreError) -> DatabaseMetadata {
        let json = try await send("GET", databaseName, operation: "get database")
        return try decode("get database") { () throws(AdminDecodingError) in try DatabaseMetadata(json: json) }
    }
}
