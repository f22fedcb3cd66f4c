/// A stored document: its full resource name, fields and server times.
///
/// `updateTime` is what a safe write sends back as a precondition; keep it exactly as read.
public struct Document: Sendable, Hashable {
    /// `projects/{p}/databases/{d}/documents/{collection}/{id}[/…]`.
    public var name: String
    public var fields: [String: Value]
    public var createTime: Timestamp?
    public var updateTime: Timestamp?

    public init(name: String, fields: [String: Value] = [:], createTime: Timestamp? = nil, updateTime: Timestamp? = nil) {
        self.name = name
        self.fields = fields
        self.createTime = createTime
        self.updateTime = updateTime
    }

    /// The last path segment: the document ID.
    public var id: String {
        guard let slash = name.lastIndex(of: "/") else { return name }
        return String(name[name.index(after: slash)...])
    }

    /// The path below `…/documents/`, e.g. `trades/t1` or `users/u1/posts/p1`.
    public var path: String {
        guard let range = name.range(of: "/documents/") else { return name }
        return String(name[range.upperBound...])
    }

    /// The path of the collection holding the document, e.g. `trades` or `users/u1/posts`.
    public var collectionPath: String {
        let p = path
        guard let slash = p.lastIndex(of: "/") else { return "" }
        return String(p[..<slash])
    }

    /// The collection's own ID (last segment of ``collectionPath``), as collection-group queries use it.
    public var collectionID: String {
        let c = collectionPath
        guard let slash = c.lastIndex(of: "/") else { return c }
        return String(c[c.index(after: slash)...])
    }

    /// The value at a (possibly nested) field path, or `nil` when absent.
    public subscript(path: FieldPath) -> Value? {
        guard let first = path.segments.first, let top = fields[first] else { return nil }
        return top[FieldPath(Array(path.segments.dropFirst()))]
    }

    /// All fields as one map value.
    public var value: Value { .map(fields) }
}
