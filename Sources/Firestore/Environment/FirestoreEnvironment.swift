import Foundation

/// One named target database (`dev`, `staging`, `production`, …) and how to reach it.
///
/// It is plain data read from the configuration file; turning it into a client and a token
/// provider happens in `EnvironmentConnection`, so configuration can be validated and shown
/// without touching the network.
public struct FirestoreEnvironment: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var projectID: String
    /// `(default)` unless the project has named databases.
    public var databaseID: String
    public var access: Access
    /// Gates and approvals apply: a protected environment is never written without them.
    public var isProtected: Bool
    public var rateLimits: RateLimits
    /// Overrides `https://firestore.googleapis.com` for data calls (a private endpoint, a test).
    public var firestoreEndpoint: URL?
    /// Overrides `https://firestore.googleapis.com` for Admin API calls (tests use the stand-in).
    public var adminEndpoint: URL?

    public init(
        name: String, projectID: String, databaseID: String = "(default)", access: Access = .applicationDefault,
        isProtected: Bool = false, rateLimits: RateLimits = RateLimits()
    ) {
        self.name = name
        self.projectID = projectID
        self.databaseID = databaseID
        self.access = access
        self.isProtected = isProtected
        self.rateLimits = rateLimits
    }

    /// `projects/P/databases/D`, the prefix of every resource name in both APIs.
    public var databasePath: String { "projects/\(projectID)/databases/\(databaseID)" }

    public var isEmulator: Bool {
        if case .emulator = access { return true }
        return false
    }

    public var description: String {
        "\(name) (\(databasePath) via \(access)\(isProtected ? ", protected" : ""))"
    }

    /// How requests reach the database and authenticate.
    public enum Access: Sendable, Equatable, CustomStringConvertible {
        /// The Cloud Firestore emulator at `host:port`, plain HTTP, `Bearer owner`.
        case emulator(host: String)
        /// A service-account JSON key file.
        case serviceAccountKey(path: String)
        /// The GCE / Cloud Run metadata server (`nil`: `GCE_METADATA_HOST` or the default host).
        case metadataServer(host: String?)
        /// An access token held in an environment variable (`GOOGLE_OAUTH_ACCESS_TOKEN` by default).
        case environmentToken(variable: String)
        /// Google's usual order, decided when connecting: `GOOGLE_APPLICATION_CREDENTIALS`, then
        /// `GOOGLE_OAUTH_ACCESS_TOKEN`, then the metadata server.
        case applicationDefault

        public var description: String {
            switch self {
            case .emulator(let host): "emulator \(host)"
            case .serviceAccountKey(let path): "service-account key \(path)"
            case .metadataServer(let host): "metadata server\(host.map { " \($0)" } ?? "")"
            case .environmentToken(let variable): "token from $\(variable)"
            case .applicationDefault: "application default credentials"
            }
        }
    }

    /// Write pacing for migrations and restores against this environment.
    public struct RateLimits: Sendable, Equatable {
        /// Sustained document writes per second once fully ramped up.
        public var documentsPerSecond: Int
        /// Start at 500 writes/s and grow 50 % every 5 minutes (Firestore's "500/50/5" rule)
        /// instead of writing at full speed at once.
        public var rampUp: Bool
        /// Requests in flight at once.
        public var maxConcurrency: Int

        public init(documentsPerSecond: Int = 500, rampUp: Bool = true, maxConcurrency: Int = 8) {
            self.documentsPerSecond = documentsPerSecond
            self.rampUp = rampUp
            self.maxConcurrency = maxConcurrency
        }
    }
}
