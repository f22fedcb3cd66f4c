import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension FirestoreClient {
    public func get(_ path: String, mask: [FieldPath]?, readTime: Timestamp?) async throws(FirestoreError) -> Document? {
        try await get(path, mask: mask, readTime: readTime, transaction: nil)
    }

    func get(_ path: String, mask: [FieldPath]?, readTime: Timestamp?, transaction: String?) async throws(FirestoreError) -> Document? {
        if let transaction {
            // A GET with `?transaction=` never answers on the emulator; batchGet is the same read.
            return try await batchGet([path], mask: mask, readTime: nil, transaction: transaction).results.first?.document
        }
        var query = (mask ?? []).map { URLQueryItem(name: "mask.fieldPaths", value: $0.encoded) }
        if let readTime { query += readTimeQuery(readTime) }
        let operation = "get \(path)"
        let json: JSON
        do {
            json = try await transport.send("GET", Self.urlPath(name(path)), query: query, operation: operation)
        } catch where error.code == .notFound {
            return nil
        }
        return try Self.decode(operation, transport.target) { () throws(FirestoreDecodingError) in try Document(json: json) }
    }

    public func batchGet(_ paths: [String], mask: [FieldPath]?, readTime: Timestamp?) async throws(FirestoreError) -> BatchGetResult {
        try await batchGet(paths, mask: mask, readTime: readTime, transaction: nil)
    }

    func batchGet(_ paths: [String], mask: [FieldPath]?, readTime: Timestamp?, transaction: String?) async throws(FirestoreError) -> BatchGetResult {
        let names = paths.map(name)
        if names.isEmpty { return BatchGetResult(results: [], readTime: readTime) }
        var body: [String: JSON] = ["documents": .array(names.map { .string($0) })]
        if let mask { body["mask"] = .object(["fieldPaths": .array(mask.map { .string($0.encoded) })]) }
        if let readTime { body["readTime"] = .string(readTime.rfc3339) }
        if let transaction { body["transaction"] = .string(transaction) }
        let operation = "batchGet (\(names.count) documents)"
        let json = try await transport.send("POST", Self.urlPath(documentsRoot) + ":batchGet", body: .object(body), operation: operation)
        var found: [String: Document] = [:]
        var time: Timestamp?
        for element in json.arrayValue ?? [] {
            time = time ?? Self.timestamp(element["readTime"])
            if let document = element["found"] {
                let decoded = try Self.decode(operation, transport.target) { () throws(FirestoreDecodingError) in try Document(json: document) }
                found[decoded.name] = decoded
            }
        }
        return BatchGetResult(results: names.map { ($0, found[$0]) }, readTime: time ?? readTime)
    }

    public func list(
        _ collectionPath: String, pageSize: Int, pageToken: String?, orderBy: String?, mask: [FieldPath]?, readTime: Timestamp?
    ) async throws(FirestoreError) -> DocumentPage {
        var query = [URLQueryItem(name: "pageSize", value: String(pageSize))]
        if let pageToken { query.append(URLQueryItem(name: "pageToken", value: pageToken)) }
        if let orderBy { query.append(URLQueryItem(name: "orderBy", value: orderBy)) }
        query += (mask ?? []).map { URLQueryItem(name: "mask.fieldPaths", value: $0.encoded) }
        if let readTime { query += readTimeQuery(readTime) }
        let operation = "list \(collectionPath)"
        let json = try await transport.send("GET", Self.urlPath(name(collectionPath)), query: query, operation: operation)
        let documents = try Self.decode(operation, transport.target) { () throws(FirestoreDecodingError) in
            try (json["documents"]?.arrayValue ?? []).map { (d) throws(FirestoreDecodingError) in try Document(json: d) }
        }
        let token = json["nextPageToken"]?.stringValue
        return DocumentPage(documents: documents, nextPageToken: token?.isEmpty == false ? token : nil)
    }

    public func runQuery(_ query: StructuredQuery, parent: String, readTime: Timestamp?) async throws(FirestoreError) -> QueryResult {
        try await runQuery(query, parent: parent, readTime: readTime, transaction: nil)
    }

    func runQuery(_ query: StructuredQuery, parent: String, readTime: Timestamp?, transaction: String?) async throws(FirestoreError) -> QueryResult {
        var body: [String: JSON] = ["structuredQuery": query.json]
        if let readTime { body["readTime"] = .string(readTime.rfc3339) }
        if let transaction { body["transaction"] = .string(transaction) }
        let operation = "runQuery \(query.collectionID)"
        let json = try await transport.send("POST", Self.urlPath(name(parent)) + ":runQuery", body: .object(body), operation: operation)
        let elements = json.arrayValue ?? []
        var documents: [Document] = []
        documents.reserveCapacity(elements.count)
        var time: Timestamp?
        var skipped = 0
        for element in elements {
            guard case .object(let members) = element else { continue }
            if time == nil { time = Self.timestamp(members["readTime"]) }
            if let count = members["skippedResults"]?.int64Value { skipped += Int(count) }
            if let document = members["document"] {
                documents.append(try Self.decode(operation, transport.target) { () throws(FirestoreDecodingError) in try Document(json: document) })
            }
        }
        return QueryResult(documents: documents, readTime: time ?? readTime, skippedResults: skipped)
    }

    public func runAggregationQuery(
        _ query: StructuredQuery, aggregations: [Aggregation], parent: String, readTime: Timestamp?
    ) async throws(FirestoreError) -> AggregationResult {
        var body: [String: JSON] = [
            "structuredAggregationQuery": .object([
                "structuredQuery": query.json, "aggregations": .array(aggregations.map(\.json)),
            ])
        ]
        if let readTime { body["readTime"] = .string(readTime.rfc3339) }
        let operation = "runAggregationQuery \(query.collectionID)"
        let json = try await transport.send("POST", Self.urlPath(name(parent)) + ":runAggregationQuery", body: .object(body), operation: operation)
        var values: [String: Value] = [:]
        var time: Timestamp?
        for element in json.arrayValue ?? [] {
            time = time ?? Self.timestamp(element["readTime"])
            if let fields = element["result"]?["aggregateFields"] {
                values = try Self.decode(operation, transport.target) { () throws(FirestoreDecodingError) in
                    try Value.decodeFields(fields, at: "aggregateFields")
                }
            }
        }
        return AggregationResult(values: values, readTime: time ?? readTime)
    }

    public func listCollectionIDs(parent: String, readTime: Timestamp?) async throws(FirestoreError) -> [String] {
        var ids: [String] = []
        var token: String?
        repeat {
            var body: [String: JSON] = ["pageSize": .int(1000)]
            if let token { body["pageToken"] = .string(token) }
            if let readTime { body["readTime"] = .string(readTime.rfc3339) }
            let json = try await transport.send(
                "POST", Self.urlPath(name(parent)) + ":listCollectionIds", body: .object(body), operation: "listCollectionIds \(parent)")
            ids += (json["collectionIds"]?.arrayValue ?? []).compactMap(\.stringValue)
            token = json["nextPageToken"]?.stringValue
        } while token?.isEmpty == false
        return ids
    }
}

extension FirestoreClient {
    /// `readTime` as a URL query parameter. The REST reference documents RFC 3339 text; the
    /// emulator rejects that ("Only timestamps past epoch are supported") but accepts the
    /// sub-field form, so emulator clients send `readTime.seconds` and `readTime.nanos`.
    func readTimeQuery(_ time: Timestamp) -> [URLQueryItem] {
        guard isEmulator else { return [URLQueryItem(name: "readTime", value: time.rfc3339)] }
        return [URLQueryItem(name: "readTime.seconds", value: String(time.seconds)), URLQueryItem(name: "readTime.nanos", value: String(time.nanos))]
    }
}

extension Aggregation {
    var json: JSON {
        switch kind {
        case .count(let upTo):
            .object(["alias": .string(alias), "count": .object(upTo.map { ["upTo": .string(String($0))] } ?? [:])])
        case .sum(let field): .object(["alias": .string(alias), "sum": .object(["field": fieldReference(field)])])
        case .average(let field): .object(["alias": .string(alias), "avg": .object(["field": fieldReference(field)])])
        }
    }
}
