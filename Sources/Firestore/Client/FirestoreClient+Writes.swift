import Foundation

/// The answer to a commit: one result per write, in order, and the commit's time.
public struct CommitResult: Sendable {
    public var writeResults: [WriteResult]
    public var commitTime: Timestamp?
}

extension FirestoreClient {
    /// Applies all writes atomically: all of them or none (a failed precondition fails the commit).
    public func commit(_ writes: [Write], transaction: String? = nil) async throws(FirestoreError) -> CommitResult {
        var body: [String: JSON] = ["writes": .array(writes.map { $0.json(root: documentsRoot) })]
        if let transaction { body["transaction"] = .string(transaction) }
        let operation = writes.count == 1 ? "commit \(writes[0].path)" : "commit (\(writes.count) writes)"
        // Inside a transaction ABORTED means "start over": the caller's retry loop handles it.
        let policy = transaction == nil ? transport.retry : transport.retry.excluding(.aborted)
        let json = try await transport.send(
            "POST", Self.urlPath(documentsRoot) + ":commit", body: .object(body), operation: operation, retry: policy)
        let results = try Self.decode(operation, transport.target) { () throws(FirestoreDecodingError) in
            try (json["writeResults"]?.arrayValue ?? []).map { (r) throws(FirestoreDecodingError) in try WriteResult(json: r) }
        }
        return CommitResult(writeResults: results, commitTime: Self.timestamp(json["commitTime"]))
    }

    /// Applies writes independently (not atomically), at most 500 per call: each gets its own
    /// outcome, so one failed precondition does not stop the others. Writes to one document in a
    /// batch are not allowed.
    public func batchWrite(_ writes: [Write]) async throws(FirestoreError) -> [Result<WriteResult, FirestoreError>] {
        if writes.isEmpty { return [] }
        let operation = "batchWrite (\(writes.count) writes)"
        let json = try await transport.send(
            "POST", Self.urlPath(documentsRoot) + ":batchWrite",
            body: .object(["writes": .array(writes.map { $0.json(root: documentsRoot) })]), operation: operation)
        let results = json["writeResults"]?.arrayValue ?? []
        let statuses = json["status"]?.arrayValue ?? []
        var outcomes: [Result<WriteResult, FirestoreError>] = []
        outcomes.reserveCapacity(writes.count)
        for (i, write) in writes.enumerated() {
            let status = i < statuses.count ? statuses[i] : JSON.object([:])
            let number = Int(status["code"]?.int64Value ?? 0)
            if number != 0 {
                outcomes.append(.failure(FirestoreError(
                    code: FirestoreError.Code(grpcNumber: number) ?? .unknown,
                    message: status["message"]?.stringValue ?? "write failed", operation: "batchWrite \(write.path)",
                    target: transport.target)))
                continue
            }
            let result = i < results.count ? results[i] : JSON.object([:])
            outcomes.append(.success(try Self.decode(operation, transport.target) { () throws(FirestoreDecodingError) in
                try WriteResult(json: result)
            }))
        }
        return outcomes
    }
}
