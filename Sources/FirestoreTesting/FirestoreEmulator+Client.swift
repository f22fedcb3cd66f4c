import Firestore

extension FirestoreEmulator {
    /// A client for `projectID` on this emulator. Fewer retries than in production, so a test of
    /// an emulator that went away fails in about a second rather than a minute.
    public func client(
        projectID: String, databaseID: String = "(default)",
        retry: RetryPolicy = RetryPolicy(maxAttempts: 3, initialBackoff: 0.05, maxBackoff: 0.5), timeout: Double = 60
    ) -> FirestoreClient {
        FirestoreClient.emulator(host: host, projectID: projectID, databaseID: databaseID, retry: retry, timeout: timeout)
    }

    /// A client in a fresh project of its own: the usual start of a test.
    public func newClient(_ label: String = "test") -> FirestoreClient {
        client(projectID: newProjectID(label))
    }
}
