import Firestore

/// The one query that returns a root collection's whole tree: a kindless all-descendants query
/// (no collection ID) from the database root, limited to the names under `<collection>/`.
///
/// Firestore orders names segment by segment, so everything below `c/…` sorts between the smallest
/// document ID of `c` and the smallest of the next possible collection ID, `c` + NUL. Numeric IDs
/// (`__id<n>__`) sort before strings, so the lower bound is the smallest numeric ID. This is the
/// query Google's Node.js client uses for `recursiveDelete`.
enum SubtreeQuery {
    static let minimumDocumentID = "__id-9223372036854775808__"

    /// `documentsRoot` is `projects/{p}/databases/{d}/documents`; `collection` a root collection ID.
    static func make(collection: String, documentsRoot: String) -> StructuredQuery {
        StructuredQuery(collection: "", allDescendants: true)
            .filter(.field(.documentID, .greaterThanOrEqual, .reference("\(documentsRoot)/\(collection)/\(minimumDocumentID)")))
            .filter(.field(.documentID, .lessThan, .reference("\(documentsRoot)/\(collection)\u{0}/\(minimumDocumentID)")))
    }
}
