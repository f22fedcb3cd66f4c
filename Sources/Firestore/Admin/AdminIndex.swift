import Foundation

/// A composite or vector index as the Admin API describes it (`google.firestore.admin.v1.Index`).
///
/// The index engineer compares these with `firestore.indexes.json`; note that Firestore appends
/// an implicit `__name__` field (in the last field's direction) to every index it creates, and
/// `definitionFields` drops it for comparison. The JSON forms live in `AdminIndex+JSON.swift`.
public struct AdminIndex: Sendable, Hashable, CustomStringConvertible {
    public enum QueryScope: String, Sendable, Hashable {
        case collection = "COLLECTION"
        case collectionGroup = "COLLECTION_GROUP"
        case collectionRecursive = "COLLECTION_RECURSIVE"
    }

    public enum State: String, Sendable, Hashable {
        case creating = "CREATING"
        case ready = "READY"
        case needsRepair = "NEEDS_REPAIR"
        case unspecified = "STATE_UNSPECIFIED"
    }

    /// Which API may use the index. A string wrapper, not a closed enum, so a scope Google adds
    /// later still decodes (and compares) instead of failing the whole listing.
    public struct APIScope: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The default: the Firestore APIs (what an absent `apiScope` means).
        public static let anyAPI = APIScope(rawValue: "ANY_API")
        public static let datastoreModeAPI = APIScope(rawValue: "DATASTORE_MODE_API")
        public static let mongoDBCompatibleAPI = APIScope(rawValue: "MONGODB_COMPATIBLE_API")

        public var description: String { rawValue }
    }

    public struct Field: Sendable, Hashable, CustomStringConvertible {
        public enum Mode: Sendable, Hashable {
            case ascending, descending, arrayContains
            /// A flat (brute-force) vector index over vectors of this many dimensions.
            case vector(dimension: Int)
            /// A field kind this client does not know, kept as the API sent it (the whole field
            /// object), so a new Firestore index type shows up in a diff instead of breaking it.
            case unknown(JSON)
        }

        public var fieldPath: String
        public var mode: Mode

        public init(_ fieldPath: String, _ mode: Mode) {
            self.fieldPath = fieldPath
            self.mode = mode
        }

        public var description: String {
            switch mode {
            case .ascending: "\(fieldPath) ASC"
            case .descending: "\(fieldPath) DESC"
            case .arrayContains: "\(fieldPath) CONTAINS"
            case .vector(let dimension): "\(fieldPath) VECTOR(\(dimension))"
            case .unknown(let json): "\(fieldPath) UNKNOWN \(json.text)"
            }
        }
    }

    /// `projects/P/databases/D/collectionGroups/G/indexes/ID`; `nil` before creation.
    public var name: String?
    public var collectionGroup: String
    public var queryScope: QueryScope
    /// `.anyAPI` when the API omits it.
    public var apiScope: APIScope
    public var fields: [Field]
    /// `SPARSE_ALL`, `SPARSE_ANY` or `DENSE`; nil when absent (the database's default applies).
    public var density: String?
    /// `nil` for an index not read from the API.
    public var state: State?

    public init(
        collectionGroup: String, queryScope: QueryScope = .collection, apiScope: APIScope = .anyAPI, fields: [Field],
        density: String? = nil, name: String? = nil, state: State? = nil
    ) {
        self.collectionGroup = collectionGroup
        self.queryScope = queryScope
        self.apiScope = apiScope
        self.fields = fields
        self.density = density
        self.name = name
        self.state = state
    }

    /// The last segment of `name`, the index ID.
    public var id: String? { name?.split(separator: "/").last.map(String.init) }

    /// The fields without Firestore's implicit trailing `__name__`.
    public var definitionFields: [Field] {
        guard let last = fields.last, last.fieldPath == "__name__", fields.count > 1 else { return fields }
        return Array(fields.dropLast())
    }

    /// Whether some field is of a kind this client does not know.
    public var hasUnknownFields: Bool {
        fields.contains { if case .unknown = $0.mode { true } else { false } }
    }

    public var description: String {
        "\(collectionGroup) [\(definitionFields.map(\.description).joined(separator: ", "))] \(queryScope.rawValue)"
            + (apiScope == .anyAPI ? "" : " \(apiScope.rawValue)")
            + (state.map { " \($0.rawValue)" } ?? "")
    }
}

/// An Admin API answer that does not have the documented shape.
public struct AdminDecodingError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
