import Foundation

/// Everything that reads a database and nothing that writes one.
///
/// The migration dry-run is handed a `FirestoreReading`, so it cannot write by construction.
/// Every read takes an optional `readTime`: reads at one fixed time see one consistent snapshot
/// (Firestore keeps an hour of versions, longer with point-in-time recovery).
public protocol FirestoreReading: Sendable {
    var projectID: String { get }
    var databaseID: String { get }

    /// The document at `path` (`trades/t1`), or nil when there is none.
    func get(_ path: String, mask: [FieldPath]?, readTime: Timestamp?) async throws(FirestoreError) -> Document?

    /// The documents at `paths`, in the same order; nil where a document does not exist.
    func batchGet(_ paths: [String], mask: [FieldPath]?, readTime: Timestamp?) async throws(FirestoreError) -> BatchGetResult

    /// One page of a collection (`trades`, `users/u1/posts`).
    func list(
        _ collectionPath: String, pageSize: Int, pageToken: String?, orderBy: String?, mask: [FieldPath]?, readTime: Timestamp?
    ) async throws(FirestoreError) -> DocumentPage

    /// Runs a query below `parent` (empty: the database root; else a document path) in one call.
    func runQuery(_ query: StructuredQuery, parent: String, readTime: Timestamp?) async throws(FirestoreError) -> QueryResult

    /// Count, sum and average over a query's results, by alias.
    func runAggregationQuery(
        _ query: StructuredQuery, aggregations: [Aggregation], parent: String, readTime: Timestamp?
    ) async throws(FirestoreError) -> AggregationResult

    /// The IDs of the collections directly below `parent` (empty: the root collections).
    func listCollectionIDs(parent: String, readTime: Timestamp?) async throws(FirestoreError) -> [String]
}

/// Documents of a `batchGet`, in the order asked.
public struct BatchGetResult: Sendable {
    /// (the full name asked for, the document or nil when missing).
    public var results: [(name: String, document: Document?)]
    public var readTime: Timestamp?
}

public struct DocumentPage: Sendable {
    public var documents: [Document]
    /// Nil on the last page.
    public var nextPageToken: String?
}

public struct QueryResult: Sendable {
    public var documents: [Document]
    /// The snapshot time the query read at: pass it to later reads for a consistent view.
    public var readTime: Timestamp?
    /// Documents skipped by `offset` on the server.
    public var skippedResults: Int
}

/// One aggregation of a `runAggregationQuery`.
public struct Aggregation: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Counts matching documents, stopping at `upTo` when given.
        case count(upTo: Int64?)
        /// Sum of the numeric values of a field (non-numbers ignored).
        case sum(FieldPath)
        /// Average of the numeric values of a field (null when there are none).
        case average(FieldPath)
    }

    public var alias: String
    public var kind: Kind

    public init(_ alias: String, _ kind: Kind) {
        self.alias = alias
        self.kind = kind
    }

    public static func count(as alias: String = "count", upTo: Int64? = nil) -> Aggregation { Aggregation(alias, .count(upTo: upTo)) }
    public static func sum(_ field: FieldPath, as alias: String) -> Aggregation { Aggregation(alias, .sum(field)) }
    public static func average(_ field: FieldPath, as alias: String) -> Aggregation { Aggregation(alias, .average(field)) }
}

public struct AggregationResult: Sendable {
    /// By alias: an integer for counts, an integer or double for sums, a double or null for averages.
    public var values: [String: Value]
    public var readTime: Timestamp?

    public func count(_ alias: String = "count") -> Int64? { values[alias]?.integerValue }
}

extension FirestoreReading {
    public func get(_ path: String, readTime: Timestamp? = nil) async throws(FirestoreError) -> Document? {
        try await get(path, mask: nil, readTime: readTime)
    }

    public func batchGet(_ paths: [String], readTime: Timestamp? = nil) async throws(FirestoreError) -> BatchGetResult {
        try await batchGet(paths, mask: nil, readTime: readTime)
    }

    public func list(
        _ collectionPath: String, pageSize: Int = 300, pageToken: String? = nil, readTime: Timestamp? = nil
    ) async throws(FirestoreError) -> DocumentPage {
        try await list(collectionPath, pageSize: pageSize, pageToken: pageToken, orderBy: nil, mask: nil, readTime: readTime)
    }

    public func runQuery(_ query: StructuredQuery, readTime: Timestamp? = nil) async throws(FirestoreError) -> QueryResult {
        try await runQuery(query, parent: "", readTime: readTime)
    }

    public func runAggregationQuery(
        _ query: StructuredQuery, aggregations: [Aggregation], readTime: Timestamp? = nil
    ) async throws(FirestoreError) -> AggregationResult {
        try await runAggregationQuery(query, aggregations: aggregations, parent: "", readTime: readTime)
    }

    public func count(_ query: StructuredQuery, readTime: Timestamp? = nil) async throws(FirestoreError) -> Int64 {
        let result = try await runAggregationQuery(query, aggregations: [.count()], readTime: readTime)
        return result.count() ?? 0
    }

    public func listCollectionIDs(readTime: Timestamp? = nil) async throws(FirestoreError) -> [String] {
        try await listCollectionIDs(parent: "", readTime: readTime)
    }

    /// The query's results page by page, at one fixed `readTime` (the first page's when not given),
    /// continuing by cursor. Holds one page in memory however large the result.
    public func pages(
        _ query: StructuredQuery, pageSize: Int = 500, parent: String = "", readTime: Timestamp? = nil
    ) -> QueryPages {
        QueryPages(reader: self, query: query, parent: parent, pageSize: pageSize, readTime: readTime)
    }
}
