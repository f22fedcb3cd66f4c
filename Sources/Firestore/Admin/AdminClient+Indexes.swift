import Foundation

extension AdminClient {
    /// Composite indexes of one collection group, or of all (`collectionGroup: "-"`), every page.
    public func listIndexes(collectionGroup: String = "-") async throws(FirestoreError) -> [AdminIndex] {
        let operation = "list indexes \(collectionGroup)"
        var indexes: [AdminIndex] = []
        var pageToken: String?
        repeat {
            var query = [URLQueryItem(name: "pageSize", value: "100")]
            if let pageToken { query.append(URLQueryItem(name: "pageToken", value: pageToken)) }
            let page = try await send("GET", "\(databaseName)/collectionGroups/\(collectionGroup)/indexes", query: query, operation: operation)
            for entry in page["indexes"]?.arrayValue ?? [] {
                indexes.append(try decode(operation) { () throws(AdminDecodingError) in try AdminIndex(json: entry) })
            }
            pageToken = page["nextPageToken"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        } while pageToken != nil
        return indexes
    }

    /// One index by its full name (`projects/…/collectionGroups/G/indexes/ID`).
    public func index(named name: String) async throws(FirestoreError) -> AdminIndex {
        let json = try await send("GET", name, operation: "get index")
        return try decode("get index") { () throws(AdminDecodingError) in try AdminIndex(json: json) }
    }

    /// Starts building an index. An identical index that exists already fails with
    /// `ALREADY_EXISTS`, which deploy treats as success.
    public func createIndex(_ index: AdminIndex) async throws(FirestoreError) -> AdminOperation {
        let operation = "create index \(index)"
        let json = try await send(
            "POST", "\(databaseName)/collectionGroups/\(index.collectionGroup)/indexes", body: index.requestJSON, operation: operation)
        return try decode(operation) { () throws(AdminDecodingError) in try AdminOperation(json: json, target: transport.target) }
    }

    public func deleteIndex(named name: String) async throws(FirestoreError) {
        _ = try await send("DELETE", name, operation: "delete index")
    }
}
