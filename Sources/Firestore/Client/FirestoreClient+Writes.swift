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
    ///
    /// The writes go out as requests of at most ``batchWriteBodyBudget`` bytes each, sent
    /// concurrently, their outcomes returned in order. On Linux, URLSession (libcurl under
    /// FoundationNetworking) keeps a socket's write source armed after a body larger than curl's
    /// 64 KiB upload buffer has been sent, and spins a core until the answer arrives; bodies that
    /// fit the buffer avoid it (`Benchmarks/firestore` shows the difference). If any request fails
    /// as a whole, the call throws: whether that request's writes landed is then unknown.
    public func batchWrite(_ writes: [Write]) async throws(FirestoreError) -> [Result<WriteResult, FirestoreError>] {
        if writes.isEmpty { return [] }
        let encoded = writes.map { write -> [UInt8] in
            var bytes: [UInt8] = []
            write.json(root: documentsRoot).write(into: &bytes)
            return bytes
        }
        let groups = Self.requestGroups(sizes: encoded.map(\.count), budget: Self.batchWriteBodyBudget)
        if groups.count == 1 { return try await batchWriteRequest(writes[...], encoded[...]) }
        typealias Part = (index: Int, outcome: Result<[Result<WriteResult, FirestoreError>], FirestoreError>)
        let parts = await withTaskGroup(of: Part.self, returning: [Part].self) { group in
            for (index, range) in groups.enumerated() {
                let part = Array(writes[range]), bytes = Array(encoded[range])
                group.addTask { (index, await self.batchWriteResult(part, bytes)) }
            }
            var parts: [Part] = []
            for await part in group { parts.append(part) }
            return parts
        }
        var outcomes = [[Result<WriteResult, FirestoreError>]](repeating: [], count: groups.count)
        var failure: FirestoreError?
        for part in parts {
            switch part.outcome {
            case .success(let results): outcomes[part.index] = results
            case .failure(let error): failure = failure ?? error
            }
        }
        if let failure { throw failure }
        return outcomes.flatMap { $0 }
    }

    /// Request bodies stay under curl's 64 KiB upload buffer (see ``batchWrite(_:)``).
    public static let batchWriteBodyBudget = 64_000

    /// Consecutive ranges of writes whose encoded sizes (plus separators and the envelope) fit
    /// `budget`; a single write larger than the budget gets a request of its own.
    static func requestGroups(sizes: [Int], budget: Int) -> [Range<Int>] {
        let envelope = #"{"writes":[]}"#.utf8.count
        var groups: [Range<Int>] = []
        var start = 0, bytes = envelope
        for (index, size) in sizes.enumerated() {
            if index > start && bytes + size + 1 > budget {
                groups.append(start..<index)
                start = index
                bytes = envelope
            }
            bytes += size + 1
        }
        groups.append(start..<sizes.count)
        return groups
    }

    private func batchWriteResult(_ writes: [Write], _ encoded: [[UInt8]]) async -> Result<[Result<WriteResult, FirestoreError>], FirestoreError> {
        do {
            return .success(try await batchWriteRequest(writes[...], encoded[...]))
        } catch {
            return .failure(error)
        }
    }

    private func batchWriteRequest(_ writes: ArraySlice<Write>, _ encoded: ArraySlice<[UInt8]>) async throws(FirestoreError) -> [Result<WriteResult, FirestoreError>] {
        var body: [UInt8] = Array(#"{"writes":["#.utf8)
        body.reserveCapacity(encoded.reduce(16) { $0 + $1.count + 1 })
        for (offset, bytes) in encoded.enumerated() {
            if offset > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: bytes)
        }
        body.append(contentsOf: "]}".utf8)
        let operation = "batchWrite (\(writes.count) writes)"
        let json = try await transport.send(
            "POST", Self.urlPath(documentsRoot) + ":batchWrite", encodedBody: Data(body), operation: operation)
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
