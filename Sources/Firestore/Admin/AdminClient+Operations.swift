import Foundation

extension AdminClient {
    public func operation(named name: String) async throws(FirestoreError) -> AdminOperation {
        let json = try await send("GET", name, operation: "get operation")
        return try decode("get operation") { () throws(AdminDecodingError) in try AdminOperation(json: json, target: transport.target) }
    }

    /// The database's recent operations (index builds, exports, imports).
    public func listOperations() async throws(FirestoreError) -> [AdminOperation] {
        var operations: [AdminOperation] = []
        var pageToken: String?
        repeat {
            let query = pageToken.map { [URLQueryItem(name: "pageToken", value: $0)] } ?? []
            let page = try await send("GET", "\(databaseName)/operations", query: query, operation: "list operations")
            for entry in page["operations"]?.arrayValue ?? [] {
                operations.append(try decode("list operations") { () throws(AdminDecodingError) in
                    try AdminOperation(json: entry, target: transport.target)
                })
            }
            pageToken = page["nextPageToken"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        } while pageToken != nil
        return operations
    }

    public func cancelOperation(named name: String) async throws(FirestoreError) {
        _ = try await send("POST", "\(name):cancel", body: .object([:]), operation: "cancel operation")
    }

    /// Polls an operation until it is done, reporting each poll to `progress`.
    ///
    /// Returns the finished operation when it succeeded; throws its error when it failed, and
    /// `DEADLINE_EXCEEDED` when `timeout` passes first (the operation keeps running at Google).
    public func waitForOperation(
        named name: String, pollInterval: TimeInterval = 2, timeout: TimeInterval = 3600,
        progress: @Sendable (AdminOperation) async -> Void = { _ in }
    ) async throws(FirestoreError) -> AdminOperation {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let current = try await operation(named: name)
            await progress(current)
            if current.done {
                if let error = current.error { throw error }
                return current
            }
            guard Date().addingTimeInterval(pollInterval) < deadline else {
                throw FirestoreError(
                    code: .deadlineExceeded, message: "still \(current.state ?? "running") after \(Int(timeout)) s; it goes on at Google",
                    operation: "wait for \(name)", target: transport.target)
            }
            do { try await Task.sleep(nanoseconds: UInt64(pollInterval * 1e9)) } catch {
                throw FirestoreError(code: .cancelled, message: "stopped waiting", operation: "wait for \(name)", target: transport.target)
            }
        }
    }

    // MARK: Export and import

    /// Starts a managed export to Cloud Storage (`gs://bucket[/path]`); all collections when
    /// `collectionIDs` is empty. `snapshotTime` exports a consistent past version (PITR window).
    public func exportDocuments(
        collectionIDs: [String] = [], outputUriPrefix: String, snapshotTime: Timestamp? = nil
    ) async throws(FirestoreError) -> AdminOperation {
        var body: [String: JSON] = [
            "outputUriPrefix": .string(outputUriPrefix),
            "collectionIds": .array(collectionIDs.map(JSON.string)),
        ]
        if let snapshotTime { body["snapshotTime"] = .string(snapshotTime.rfc3339) }
        let json = try await send("POST", "\(databaseName):exportDocuments", body: .object(body), operation: "exportDocuments")
        return try decode("exportDocuments") { () throws(AdminDecodingError) in try AdminOperation(json: json, target: transport.target) }
    }

    /// Starts a managed import from an export's `outputUriPrefix`.
    public func importDocuments(collectionIDs: [String] = [], inputUriPrefix: String) async throws(FirestoreError) -> AdminOperation {
        let body: JSON = .object([
            "inputUriPrefix": .string(inputUriPrefix),
            "collectionIds": .array(collectionIDs.map(JSON.string)),
        ])
        let json = try await send("POST", "\(databaseName):importDocuments", body: body, operation: "importDocuments")
        return try decode("importDocuments") { () throws(AdminDecodingError) in try AdminOperation(json: json, target: transport.target) }
    }
}
