import Firestore

/// Moves documents from one database's namespace into another's.
///
/// A document name and every reference value carry the project and database; Firestore rejects a
/// reference into another database, so restoring into another project rewrites both. References
/// that point outside the source database are kept as they are.
struct NameRewriter: Sendable {
    /// `projects/{p}/databases/{d}` of the backup.
    let source: String
    /// `projects/{p}/databases/{d}` being written.
    let target: String

    var isIdentity: Bool { source == target }

    func rewrite(_ document: Document) -> Document {
        guard !isIdentity else { return document }
        return Document(name: rewrite(name: document.name), fields: document.fields.mapValues(rewrite(value:)),
                        createTime: document.createTime, updateTime: document.updateTime)
    }

    func rewrite(name: String) -> String {
        let prefix = source + "/"
        guard name.hasPrefix(prefix) else { return name }
        return target + "/" + name.dropFirst(prefix.count)
    }

    func rewrite(value: Value) -> Value {
        switch value {
        case .reference(let name): .reference(rewrite(name: name))
        case .array(let values): .array(values.map(rewrite(value:)))
        case .map(let fields): .map(fields.mapValues(rewrite(value:)))
        default: value
        }
    }
}
