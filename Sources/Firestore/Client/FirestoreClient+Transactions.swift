import Foundation

extension FirestoreClient {
    /// Starts a transaction and returns its ID. A read-only one may read at a past `readTime`.
    /// `retrying` passes the ID of an aborted attempt so the server keeps its lock priority.
    public func beginTransaction(readOnly: Bool = false, readTime: Timestamp? = nil, retrying previous: String? = nil) async throws(FirestoreError) -> String {
        var options: [String: JSON] = [:]
        if readOnly {
            options["readOnly"] = .object(readTime.map { ["readTime": .string($0.rfc3339)] } ?? [:])
        } else {
            options["readWrite"] = .object(previous.map { ["retryTransaction": .string($0)] } ?? [:])
        }
        let json = try await transport.send(
            "POST", Self.urlPath(databaseName) + "/documents:beginTransaction", body: .object(["options": .object(options)]),
            operation: "beginTransaction")
        guard let id = json["transaction"]?.stringValue else {
            throw FirestoreError(code: .internal, message: "no transaction ID in the answer", operation: "beginTransaction", target: transport.target)
        }
        return id
    }

    /// Abandons a transaction and releases its locks.
    public func rollback(_ transaction: String) async throws(FirestoreError) {
        _ = try await transport.send(
            "POST", Self.urlPath(documentsRoot) + ":rollback", body: .object(["transaction": .string(transaction)]),
            operation: "rollback")
    }

    /// Runs `body` in a read-write transaction and commits its writes, starting over when Firestore
    /// aborts it for contention (up to `maxAttempts`, with backoff). Any other error rolls back and
    /// is rethrown. `body` may run more than once: keep it free of side effects outside `transaction`.
    public func runTransaction<T: Sendable>(
        maxAttempts: Int = 5, _ body: @Sendable (Transaction) async throws -> T
    ) async throws -> T {
        var previous: String?
        var attempt = 0
        let backoff = RetryPolicy(maxAttempts: maxAttempts, initialBackoff: 0.05, maxBackoff: 2)
        while true {
            attempt += 1
            let id = try await beginTransaction(retrying: previous)
            let transaction = Transaction(client: self, id: id)
            do {
                let value = try await body(transaction)
                _ = try await commit(transaction.writes, transaction: id)
                return value
            } catch {
                try? await rollback(id)
                guard let failure = error as? FirestoreError, failure.code == .aborted, attempt < maxAttempts else { throw error }
                previous = id
                try await Task.sleep(nanoseconds: UInt64(backoff.backoff(afterAttempt: attempt) * 1e9))
            }
        }
    }
}

/// Reads and buffered writes of one read-write transaction (see ``FirestoreClient/runTransaction(maxAttempts:_:)``).
/// Reads lock what they read; the writes are sent together at commit.
public final class Transaction: @unchecked Sendable {
    public let id: String
    let client: FirestoreClient
    private let lock = NSLock()
    private var buffered: [Write] = []

    init(client: FirestoreClient, id: String) {
        self.client = client
        self.id = id
    }

    var writes: [Write] { lock.withLock { buffered } }

    public func get(_ path: String, mask: [FieldPath]? = nil) async throws(FirestoreError) -> Document? {
        try await client.get(path, mask: mask, readTime: nil, transaction: id)
    }

    public func batchGet(_ paths: [String], mask: [FieldPath]? = nil) async throws(FirestoreError) -> BatchGetResult {
        try await client.batchGet(paths, mask: mask, readTime: nil, transaction: id)
    }

    public func runQuery(_ query: StructuredQuery, parent: String = "") async throws(FirestoreError) -> QueryResult {
        try await client.runQuery(query, parent: parent, readTime: nil, transaction: id)
    }

    /// Buffers a write, sent at commit.
    public func write(_ write: Write) { lock.withLock { buffered.append(write) } }

    public func set(_ path: String, _ fields: [String: Value]) { write(.set(path, fields)) }
    public func update(_ path: String, _ changes: [FieldPath: Value?]) { write(.update(path, changes)) }
    public func delete(_ path: String) { write(.delete(path)) }
}
