import Firestore

/// ``SnapshotReader`` over any `FirestoreReading`: the real service, the emulator, or a client
/// that cannot write.
public struct FirestoreSnapshotReader: SnapshotReader {
    public let reader: any FirestoreReading

    public init(_ reader: any FirestoreReading) {
        self.reader = reader
    }

    public var databaseRoot: String { "projects/\(reader.projectID)/databases/\(reader.databaseID)" }

    /// The server's current time, truncated to microseconds (Firestore's readTime precision).
    ///
    /// Taken from the server so a fast local clock can't ask for the future.
    public func recentReadTime() async throws -> Timestamp {
        let probe = try await reader.batchGet(["_runbook_backups/readtime-probe"], readTime: nil)
        let now = probe.readTime ?? Timestamp.now()
        return Timestamp(seconds: now.seconds, nanos: now.nanos - now.nanos % 1000)
    }

    public func collectionIDs(under parent: String?, readTime: Timestamp) async throws -> [String] {
        try await reader.listCollectionIDs(parent: parent ?? "", readTime: readTime)
    }

    public func forEachPage(collection path: String, readTime: Timestamp, pageSize: Int,
                            _ body: ([Document]) async throws -> Void) async throws {
        let (parent, id) = Self.split(path)
        for try await page in reader.pages(StructuredQuery(collection: id), pageSize: pageSize, parent: parent, readTime: readTime) {
            try await body(page)
        }
    }

    public func forEachPage(subtree collection: String, readTime: Timestamp, pageSize: Int,
                            _ body: ([Document]) async throws -> Void) async throws {
        let query = SubtreeQuery.make(collection: collection, documentsRoot: databaseRoot + "/documents")
        for try await page in reader.pages(query, pageSize: pageSize, parent: "", readTime: readTime) {
            try await body(page)
        }
    }

    public func count(collection path: String, readTime: Timestamp?) async throws -> Int {
        let (parent, id) = Self.split(path)
        let result = try await reader.runAggregationQuery(
            StructuredQuery(collection: id), aggregations: [.count()], parent: parent, readTime: readTime)
        return Int(result.count() ?? 0)
    }

    /// `users/u1/posts` → (`users/u1`, `posts`); `trades` → (``, `trades`).
    static func split(_ path: String) -> (parent: String, id: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }
}

/// ``RestoreWriter`` over a `FirestoreClient`: batchGet to compare, batchWrite to put back.
public struct FirestoreRestoreWriter: RestoreWriter {
    public let client: FirestoreClient

    public init(_ client: FirestoreClient) {
        self.client = client
    }

    public var databaseRoot: String { client.databaseName }

    public func currentDocuments(names: [String]) async throws -> [String: Document] {
        let result = try await client.batchGet(names, readTime: nil)
        var found: [String: Document] = [:]
        for (name, document) in result.results {
            if let document { found[name] = document }
        }
        return found
    }

    public func write(_ writes: [RestoreWrite]) async throws -> [RestoreWriteOutcome] {
        let requests = writes.map { write in
            let precondition: Precondition = switch write.precondition {
            case .mustNotExist: .exists(false)
            case .updateTime(let time): .updateTime(time)
            }
            return switch write.kind {
            case .put: Write.set(write.document.name, write.document.fields, precondition: precondition)
            case .delete: Write.delete(write.document.name, precondition: precondition)
            }
        }
        return try await client.batchWrite(requests).map { outcome in
            switch outcome {
            case .success: RestoreWriteOutcome(error: nil)
            case .failure(let error): RestoreWriteOutcome(error: "\(error.code.rawValue): \(error.message)")
            }
        }
    }

    /// A names-only query (`select __name__`): the live listing costs no field data.
    public func forEachLivePage(collection: String, subtree: Bool, pageSize: Int,
                                _ body: ([Document]) async throws -> Void) async throws {
        let query = subtree
            ? SubtreeQuery.make(collection: collection, documentsRoot: client.databaseName + "/documents")
            : StructuredQuery(collection: collection)
        for try await page in client.pages(query.select([.documentID]), pageSize: pageSize, parent: "", readTime: nil) {
            try await body(page)
        }
    }
}
