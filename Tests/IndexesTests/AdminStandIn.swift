import Firestore
import FirestoreTesting
import Foundation
@testable import Indexes

/// Credentials for the Admin API stand-in (it only checks that a bearer token is sent).
struct TestToken: AccessTokenProvider {
    func authorizationHeader() async throws -> String { "Bearer test-token" }
}

/// A running Admin API stand-in plus helpers to point the pipeline at it.
struct AdminStandIn {
    let server: StandInServer

    /// Starts the stand-in with index builds taking `buildSeconds`.
    static func start(buildSeconds: Double = 0.4) async throws -> AdminStandIn {
        let server = try await StandInServer.start(.adminAPI)
        try await server.control("/control/config", ["indexBuildSeconds": .number(String(buildSeconds))])
        return AdminStandIn(server: server)
    }

    func admin(project: String) -> AdminClient {
        AdminClient(projectID: project, endpoint: server.baseURL, auth: TestToken(),
                       retry: RetryPolicy(maxAttempts: 2, initialBackoff: 0.05, maxBackoff: 0.1), timeout: 10)
    }

    func pipeline(_ environment: String, project: String, events: IndexEventSink = .none) -> IndexPipeline {
        IndexPipeline(environment: environment, admin: admin(project: project), events: events, pollInterval: .milliseconds(100))
    }

    func config(_ body: [String: JSON]) async throws {
        try await server.control("/control/config", body)
    }
}

/// Collects events from a pipeline for assertions.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [IndexEvent] = []

    var sink: IndexEventSink { IndexEventSink { event in self.lock.withLock { self.stored.append(event) } } }
    var events: [IndexEvent] { lock.withLock { stored } }
}
