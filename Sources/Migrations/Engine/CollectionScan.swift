import Firestore

/// Reads a collection in `__name__` order a page at a time, starting after a checkpoint.
///
/// Unlike a snapshot scan, each page reads the latest versions: the executor writes with
/// `updateTime` preconditions, so an old snapshot would only turn into needless conflicts (and a
/// readTime older than an hour is refused by Firestore during long runs).
struct CollectionScan {
    let reader: any FirestoreReading
    let collection: String
    let pageSize: Int
    /// Read at this snapshot when set (dry-run, validate's consistent count).
    let readTime: Timestamp?
    var after: String?
    var done = false

    init(reader: any FirestoreReading, collection: String, pageSize: Int, after: String?, readTime: Timestamp? = nil) {
        self.reader = reader
        self.collection = collection
        self.pageSize = pageSize
        self.after = after
        self.readTime = readTime
    }

    mutating func next() async throws(FirestoreError) -> [Document]? {
        guard !done else { return nil }
        var query = StructuredQuery(collection: collection, orders: [Order(.documentID)], limit: pageSize)
        if let after { query.startAt = Cursor(values: [.reference(after)], before: false) }
        let result = try await reader.runQuery(query, parent: "", readTime: readTime)
        if result.documents.count < pageSize { done = true }
        guard let last = result.documents.last else {
            done = true
            return nil
        }
        after = last.name
        return result.documents
    }
}
