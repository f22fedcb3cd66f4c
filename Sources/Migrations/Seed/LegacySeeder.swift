import Firestore

/// What a seed run wrote: documents per collection and per shape.
public struct SeedSummary: Sendable, Equatable {
    public var counts: [SeedCollection: [SeedKind: Int]] = [:]

    public var total: Int { counts.values.reduce(0) { $0 + $1.values.reduce(0, +) } }

    /// Anomalies seeded in `collection`, by code.
    public func anomalies(in collection: SeedCollection) -> [String: Int] {
        var result: [String: Int] = [:]
        for (kind, count) in counts[collection] ?? [:] {
            if let code = kind.anomalyCode { result[code, default: 0] += count }
        }
        return result
    }
}

/// Progress of a seed run, reported after every acknowledged batch.
public struct SeedProgress: Sendable {
    public var collection: SeedCollection
    public var written: Int
    public var total: Int
}

/// Writes ``LegacyDataGenerator`` documents into a database with `batchWrite`, a few batches in
/// flight, generating each batch just before it is sent (memory stays at `batchSize × concurrency`
/// documents however many are seeded). Each document is set whole, so seeding again with the same
/// seed rewrites the same documents.
public struct LegacySeeder: Sendable {
    public var generator: LegacyDataGenerator
    /// Writes per `batchWrite` call (Firestore allows at most 500).
    public var batchSize: Int
    /// `batchWrite` calls in flight at once.
    public var concurrency: Int
    /// Attempts for a write that failed with a retryable status inside a successful call.
    public var attempts: Int

    public init(generator: LegacyDataGenerator, batchSize: Int = 250, concurrency: Int = 4, attempts: Int = 5) {
        self.generator = generator
        self.batchSize = min(500, max(1, batchSize))
        self.concurrency = max(1, concurrency)
        self.attempts = max(1, attempts)
    }

    /// Seeds `counts[collection]` documents of each collection, in the order of `SeedCollection.allCases`.
    public func seed(
        into client: FirestoreClient, counts: [SeedCollection: Int],
        progress: @escaping @Sendable (SeedProgress) -> Void = { _ in }
    ) async throws -> SeedSummary {
        var summary = SeedSummary()
        for collection in SeedCollection.allCases {
            let total = max(0, counts[collection] ?? 0)
            guard total > 0 else { continue }
            try await seed(collection, total: total, into: client, progress: progress)
            summary.counts[collection] = generator.census(collection, count: total)
        }
        return summary
    }

    private func seed(
        _ collection: SeedCollection, total: Int, into client: FirestoreClient,
        progress: @escaping @Sendable (SeedProgress) -> Void
    ) async throws {
        let starts = Array(stride(from: 0, to: total, by: batchSize))
        var written = 0
        try await withThrowingTaskGroup(of: Int.self) { group in
            var next = 0
            func launch() {
                let start = starts[next]
                next += 1
                let range = start..<min(total, start + batchSize)
                group.addTask { [generator, attempts] in
                    let writes = range.map { index -> Write in
                        let document = generator.document(collection, at: index)
                        return Write.set(document.path, document.fields)
                    }
                    try await Self.write(writes, to: client, attempts: attempts)
                    return writes.count
                }
            }
            while next < starts.count && next < concurrency { launch() }
            while let count = try await group.next() {
                written += count
                progress(SeedProgress(collection: collection, written: written, total: total))
                if next < starts.count { launch() }
            }
        }
    }

    /// One `batchWrite`, then the failed writes again while their failure is retryable. Every write
    /// sets a whole document, so sending one twice (after a timeout whose call did land) is harmless.
    static func write(_ writes: [Write], to client: FirestoreClient, attempts: Int) async throws {
        var pending = writes
        for attempt in 1...attempts {
            let outcome: Result<[Result<WriteResult, FirestoreError>], FirestoreError>
            do {
                outcome = .success(try await client.batchWrite(pending))
            } catch {
                outcome = .failure(error)
            }
            guard case .success(let results) = outcome else {
                if case .failure(let error) = outcome, !error.code.isRetryable || attempt == attempts { throw error }
                try await Task.sleep(nanoseconds: UInt64(attempt) * 500_000_000)
                continue
            }
            var failed: [Write] = []
            for (write, result) in zip(pending, results) {
                guard case .failure(let error) = result else { continue }
                guard error.code.isRetryable, attempt < attempts else { throw error }
                failed.append(write)
            }
            if failed.isEmpty { return }
            pending = failed
            try await Task.sleep(nanoseconds: UInt64(attempt) * 200_000_000)
        }
    }
}
