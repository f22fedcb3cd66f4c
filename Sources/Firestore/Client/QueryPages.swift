/// A query's results page by page (see ``FirestoreReading/pages(_:pageSize:parent:readTime:)``).
///
/// Each page is a `runQuery` with a `limit`; the next page starts after the last document by a
/// cursor over the full effective order (ending with `__name__`), at the first page's `readTime`,
/// so documents written meanwhile neither appear nor shift the pages. With a `select`, the ordered
/// fields are fetched too (the cursor needs them).
public struct QueryPages: AsyncSequence, Sendable {
    public typealias Element = [Document]
    let reader: any FirestoreReading
    let query: StructuredQuery
    let parent: String
    let pageSize: Int
    let readTime: Timestamp?

    public func makeAsyncIterator() -> Iterator {
        Iterator(pages: self)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let pages: QueryPages
        let orders: [Order]
        var readTime: Timestamp?
        var remaining: Int?
        var after: Cursor?
        var done = false
        var isFirst = true

        init(pages: QueryPages) {
            self.pages = pages
            orders = pages.query.effectiveOrders
            readTime = pages.readTime
            remaining = pages.query.limit
        }

        /// The snapshot time the pages are read at (known after the first page).
        public var snapshotTime: Timestamp? { readTime }

        public mutating func next() async throws -> [Document]? {
            guard !done else { return nil }
            var query = pages.query
            query.orders = orders
            if var select = query.select {
                // The cursor needs the ordered fields' values: fetch them even when not selected.
                for order in orders where order.field != .documentID && !select.contains(order.field) { select.append(order.field) }
                query.select = select
            }
            let size = Swift.min(Swift.max(1, pages.pageSize), remaining ?? Int.max)
            query.limit = size
            if !isFirst {
                query.startAt = after
                query.offset = nil
            }
            let result = try await pages.reader.runQuery(query, parent: pages.parent, readTime: readTime)
            isFirst = false
            readTime = readTime ?? result.readTime
            let documents = result.documents
            if let remaining { self.remaining = remaining - documents.count }
            if documents.count < size || self.remaining == 0 { done = true }
            guard let last = documents.last else {
                done = true
                return nil
            }
            after = Cursor(values: orders.map { $0.field == .documentID ? .reference(last.name) : (last[$0.field] ?? .null) }, before: false)
            return documents
        }
    }
}
