/// The contents of `firestore.indexes.json`, in the Firebase CLI's format.
///
/// The same file is read by `firebase deploy --only firestore:indexes`, so the model keeps every
/// property that CLI accepts (see firebase-tools `src/firestore/api-spec.ts`) and nothing more: a
/// file this tool accepts is one the Firebase CLI deploys the same way.
public struct IndexFile: Sendable, Equatable {
    public var indexes: [CompositeIndex]
    public var fieldOverrides: [FieldOverride]

    public init(indexes: [CompositeIndex], fieldOverrides: [FieldOverride] = []) {
        self.indexes = indexes
        self.fieldOverrides = fieldOverrides
    }
}

/// Which queries an index serves: those on one collection, or collection-group queries.
public enum QueryScope: String, Sendable, Hashable, CaseIterable, Codable {
    case collection = "COLLECTION"
    case collectionGroup = "COLLECTION_GROUP"
}

/// How one field is indexed. Firestore indexes a field in exactly one mode per index.
public enum IndexFieldMode: Sendable, Hashable {
    case ascending
    case descending
    case arrayContains
    /// A flat vector index of this many dimensions (vector search).
    case vector(dimension: Int)
    /// A field kind the Admin API reported that this tool does not know (its JSON, as sent). The
    /// file never holds one: it only describes a deployed index, which then diffs as extra.
    case unrecognised(String)

    /// The name the file and the Admin API use (`ASCENDING`, `CONTAINS`, `VECTOR(256)`).
    public var label: String {
        switch self {
        case .ascending: "ASCENDING"
        case .descending: "DESCENDING"
        case .arrayContains: "CONTAINS"
        case .vector(let dimension): "VECTOR(\(dimension))"
        case .unrecognised(let json): "UNRECOGNISED \(json)"
        }
    }

    /// The direction of an ordered field; nil for array-contains and vector fields.
    public var direction: SortDirection? {
        switch self {
        case .ascending: .ascending
        case .descending: .descending
        case .arrayContains, .vector, .unrecognised: nil
        }
    }
}

/// The direction of an ordering, in the names Firestore's REST API uses.
public enum SortDirection: String, Sendable, Hashable, Codable {
    case ascending = "ASCENDING"
    case descending = "DESCENDING"

    public var short: String { self == .ascending ? "ASC" : "DESC" }
}

/// One field of a composite index.
public struct IndexField: Sendable, Hashable {
    public var fieldPath: String
    public var mode: IndexFieldMode

    public init(_ fieldPath: String, _ mode: IndexFieldMode) {
        self.fieldPath = fieldPath
        self.mode = mode
    }
}

/// A composite (or vector) index from the file's `indexes` array.
public struct CompositeIndex: Sendable, Hashable {
    public var collectionGroup: String
    public var queryScope: QueryScope
    public var fields: [IndexField]
    /// `ANY_API` (the default), `DATASTORE_MODE_API` or `MONGODB_COMPATIBLE_API`; nil when absent.
    public var apiScope: String?
    /// `SPARSE_ALL`, `SPARSE_ANY` or `DENSE`; nil when absent (the database's default).
    public var density: String?
    public var multiKey: Bool?
    public var unique: Bool?

    public init(
        collectionGroup: String, queryScope: QueryScope = .collection, fields: [IndexField],
        apiScope: String? = nil, density: String? = nil, multiKey: Bool? = nil, unique: Bool? = nil
    ) {
        self.collectionGroup = collectionGroup
        self.queryScope = queryScope
        self.fields = fields
        self.apiScope = apiScope
        self.density = density
        self.multiKey = multiKey
        self.unique = unique
    }

    /// The direction of the `__name__` ordering Firestore appends to every index: that of the last
    /// field, or ascending when the last field has no direction (Admin API `Index.fields` docs).
    public var implicitNameDirection: SortDirection {
        fields.last?.mode.direction ?? .ascending
    }

    /// The fields without a trailing `__name__` that only restates the implicit ordering, so an
    /// index read back from the Admin API (which always lists `__name__`) compares equal to the
    /// file's entry that leaves it out.
    public var canonicalFields: [IndexField] {
        var fields = self.fields
        while let last = fields.last, last.fieldPath == IndexFieldPath.documentID {
            let rest = Array(fields.dropLast())
            let implicit = rest.last?.mode.direction ?? .ascending
            guard last.mode.direction == implicit else { break }
            fields = rest
        }
        return fields
    }

    /// A key equal for two entries that define the same index, whatever their formatting.
    public var definitionKey: String {
        let fieldList = canonicalFields.map { "\($0.fieldPath):\($0.mode.label)" }.joined(separator: ",")
        let scope = apiScope ?? "ANY_API"
        return "\(collectionGroup)|\(queryScope.rawValue)|\(scope)|\(fieldList)"
    }

    /// A compact human form: `trades [participants.creator ASC, status ASC, createdAt DESC]`.
    public var summary: String {
        let list = fields.map { field in
            let mode = field.mode.direction?.short ?? field.mode.label
            return "\(field.fieldPath) \(mode)"
        }
        let scope = queryScope == .collectionGroup ? " (collection group)" : ""
        return "\(collectionGroup) [\(list.joined(separator: ", "))]\(scope)"
    }
}

/// A `fieldOverrides` entry: replaces Firestore's automatic single-field indexes for one field.
///
/// An empty `indexes` list exempts the field from indexing altogether; SCHEMA.md needs that for
/// `migratedAt`, whose ever-increasing values would otherwise cap writes at about 500 per second.
public struct FieldOverride: Sendable, Hashable {
    /// One single-field index kept for the field.
    public struct SingleFieldIndex: Sendable, Hashable {
        public var queryScope: QueryScope
        public var mode: IndexFieldMode
        public var apiScope: String?

        public init(queryScope: QueryScope = .collection, mode: IndexFieldMode, apiScope: String? = nil) {
            self.queryScope = queryScope
            self.mode = mode
            self.apiScope = apiScope
        }
    }

    public var collectionGroup: String
    /// A field path, or `*` for every field of the collection group.
    public var fieldPath: String
    /// Whether a time-to-live policy is on this field; nil leaves it as it is.
    public var ttl: Bool?
    public var indexes: [SingleFieldIndex]

    public init(collectionGroup: String, fieldPath: String, ttl: Bool? = nil, indexes: [SingleFieldIndex]) {
        self.collectionGroup = collectionGroup
        self.fieldPath = fieldPath
        self.ttl = ttl
        self.indexes = indexes
    }
}

extension CompositeIndex {
    /// The entry as one line of `firestore.indexes.json`, ready to paste into `indexes`.
    public var fileEntry: String {
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        let fieldList = fields.map { field -> String in
            let mode: String = switch field.mode {
            case .ascending: "\"order\": \"ASCENDING\""
            case .descending: "\"order\": \"DESCENDING\""
            case .arrayContains: "\"arrayConfig\": \"CONTAINS\""
            case .vector(let dimension): "\"vectorConfig\": {\"dimension\": \(dimension), \"flat\": {}}"
            case .unrecognised(let json): "\"unrecognised\": \(json)"
            }
            return "{\"fieldPath\": \(quoted(field.fieldPath)), \(mode)}"
        }
        return "{\"collectionGroup\": \(quoted(collectionGroup)), \"queryScope\": \"\(queryScope.rawValue)\", "
            + "\"fields\": [\(fieldList.joined(separator: ", "))]}"
    }
}
