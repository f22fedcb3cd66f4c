import Firestore

/// A field whose indexing is overridden in a database, as the Admin API reports it, in the index
/// file's terms (`FieldOverride`), with the state of each of its single-field indexes.
public struct DeployedFieldOverride: Sendable, Equatable {
    /// `projects/p/databases/d/collectionGroups/g/fields/PATH`.
    public var name: String
    /// The deployed configuration. `ttl` is true or false (never nil): the API always says.
    public var override: FieldOverride
    /// States of `override.indexes`, in the same order.
    public var indexStates: [DeployedIndex.State]
    /// True when the field has no index override of its own (listed only for its TTL policy).
    public var usesAncestorConfig: Bool
    /// True while the override is being removed (its indexes stay until that is done).
    public var reverting: Bool

    public init(
        name: String, override: FieldOverride, indexStates: [DeployedIndex.State], usesAncestorConfig: Bool = false,
        reverting: Bool = false
    ) {
        self.name = name
        self.override = override
        self.indexStates = indexStates
        self.usesAncestorConfig = usesAncestorConfig
        self.reverting = reverting
    }

    /// Whether some single-field index is of a kind this tool does not know.
    public var hasUnrecognisedIndexes: Bool {
        override.indexes.contains { if case .unrecognised = $0.mode { true } else { false } }
    }
}

/// A field update as a long-running operation reports it (`FieldOperationMetadata`).
public struct FieldOverrideOperation: Sendable, Equatable {
    public var name: String
    /// The field being reconfigured (`…/collectionGroups/g/fields/PATH`).
    public var fieldName: String
    public var done: Bool
    /// `PROCESSING`, `SUCCESSFUL`, `FAILED`, `CANCELLED`, … as reported.
    public var state: String?
    /// RFC 3339, when the service says: tells which of a field's operations is the latest.
    public var startTime: String?
    /// What the update does: `ADD ASC COLLECTION`, `REMOVE CONTAINS COLLECTION`, `TTL ADD`.
    public var changes: [String]
    public var completedDocuments: Int64?
    public var estimatedDocuments: Int64?
    /// The operation's error once it failed.
    public var errorMessage: String?

    public init(
        name: String, fieldName: String, done: Bool, state: String? = nil, startTime: String? = nil, changes: [String] = [],
        completedDocuments: Int64? = nil, estimatedDocuments: Int64? = nil, errorMessage: String? = nil
    ) {
        self.name = name
        self.fieldName = fieldName
        self.done = done
        self.state = state
        self.startTime = startTime
        self.changes = changes
        self.completedDocuments = completedDocuments
        self.estimatedDocuments = estimatedDocuments
        self.errorMessage = errorMessage
    }

    /// Documents processed as a percentage, when the service estimates the work.
    public var percent: Int? { progressPercent(completed: completedDocuments, estimated: estimatedDocuments) }
}

extension FieldOverride {
    /// A compact human form: `trades.migratedAt (not indexed)`,
    /// `trades.status (ASC COLLECTION, CONTAINS COLLECTION_GROUP; TTL on)`.
    public var summary: String {
        var parts = indexes.isEmpty ? "not indexed" : indexes.map(\.summary).joined(separator: ", ")
        if let ttl { parts += ttl ? "; TTL on" : "; TTL off" }
        return "\(collectionGroup).\(fieldPath) (\(parts))"
    }

    /// The field path as Firestore writes it (needless backticks dropped), for matching.
    var canonicalFieldPath: String { (try? AdminField.canonicalPath(fieldPath)) ?? fieldPath }
}

extension FieldOverride.SingleFieldIndex {
    /// `ASC COLLECTION`, `CONTAINS COLLECTION_GROUP`, with a non-default API scope after it.
    public var summary: String {
        "\(mode.direction?.short ?? mode.label) \(queryScope.rawValue)" + (apiScope.map { $0 == "ANY_API" ? "" : " \($0)" } ?? "")
    }
}
