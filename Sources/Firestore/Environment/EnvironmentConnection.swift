import Foundation

/// Everything needed to work on one environment: its settings, its credentials, a data client
/// and an Admin API client, built once and shared.
public struct EnvironmentConnection: Sendable {
    public let environment: FirestoreEnvironment
    public let auth: any AccessTokenProvider
    public let firestore: FirestoreClient
    /// On an emulator every call answers UNIMPLEMENTED (see `AdminClient.supportsAdminAPI`).
    public let admin: AdminClient

    /// Builds the provider and both clients. Credentials are checked here (a key file is read and
    /// parsed) but no request is sent, so a bad key fails fast and offline.
    public init(
        environment: FirestoreEnvironment, processEnvironment: [String: String] = ProcessInfo.processInfo.environment,
        retry: RetryPolicy = .default
    ) throws {
        self.environment = environment
        auth = try environment.makeTokenProvider(processEnvironment: processEnvironment)
        let maxConnections = max(4, environment.rateLimits.maxConcurrency * 2)
        switch environment.access {
        case .emulator(let host):
            firestore = FirestoreClient.emulator(
                host: host, projectID: environment.projectID, databaseID: environment.databaseID, retry: retry,
                maxConnections: maxConnections)
            admin = AdminClient(emulatorHost: host, projectID: environment.projectID, databaseID: environment.databaseID)
        default:
            firestore = FirestoreClient(
                projectID: environment.projectID, databaseID: environment.databaseID,
                endpoint: environment.firestoreEndpoint ?? FirestoreClient.productionEndpoint, auth: auth, retry: retry,
                maxConnections: maxConnections)
            admin = AdminClient(
                projectID: environment.projectID, databaseID: environment.databaseID,
                endpoint: environment.adminEndpoint ?? AdminClient.productionEndpoint, auth: auth, retry: retry)
        }
    }
}

extension FirestoreEnvironment {
    /// The credentials this environment uses, resolved in Google's usual order for
    /// `applicationDefault`: `GOOGLE_APPLICATION_CREDENTIALS` (a key file), then
    /// `GOOGLE_OAUTH_ACCESS_TOKEN` (e.g. from `gcloud auth print-access-token`), then the
    /// metadata server (`GCE_METADATA_HOST` or metadata.google.internal).
    public func makeTokenProvider(processEnvironment: [String: String]) throws -> any AccessTokenProvider {
        switch access {
        case .emulator:
            return EmulatorTokenProvider()
        case .serviceAccountKey(let path):
            return try ServiceAccountTokenProvider(keyPath: path)
        case .metadataServer(let host):
            return host.map { MetadataServerTokenProvider(host: $0) } ?? MetadataServerTokenProvider(environment: processEnvironment)
        case .environmentToken(let variable):
            return try EnvironmentTokenProvider(environment: processEnvironment, variable: variable)
        case .applicationDefault:
            if let path = processEnvironment["GOOGLE_APPLICATION_CREDENTIALS"], !path.isEmpty {
                return try ServiceAccountTokenProvider(keyPath: path)
            }
            if let token = processEnvironment[EnvironmentTokenProvider.defaultVariable], !token.isEmpty {
                return try EnvironmentTokenProvider(environment: processEnvironment)
            }
            return MetadataServerTokenProvider(environment: processEnvironment)
        }
    }
}
