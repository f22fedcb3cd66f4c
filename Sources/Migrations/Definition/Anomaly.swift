import Firestore

/// A document that cannot be given a valid v2 shape without guessing (SCHEMA.md, principle 4).
///
/// The migration leaves such a document untouched and reports it; a dry-run lists them all. `code`
/// is stable (vectors, dashboards and the TypeScript app compare it); `reason` is for people and
/// says what was found and what to do.
public struct Anomaly: Sendable, Hashable, CustomStringConvertible {
    /// Stable machine name, e.g. `creatorConflict`, `createdAtUnparseable`.
    public var code: String
    /// The field inside the document, in Firestore's dotted form with indexes for array
    /// elements, e.g. `participants[2].id` or `createdAt`.
    public var field: String
    /// What was found and what to do about it.
    public var reason: String

    public init(code: String, field: String, reason: String) {
        self.code = code
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason) [\(code)]" }
}
