import Foundation

/// A composite index as the Admin API describes it (`google.firestore.admin.v1.Index`).
///
/// The index engineer compares these with `firestore.indexes.json`; note that Firestore appends
/// an implicit `__name__` field (in the last field's direction) to every index it creates, and
/// `definitionFields` drops it for comparison.
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

    public struct Field: Sendable, Hashable, CustomStringConvertible {
        public enum Mode: Sendable, Hashable {
            case ascending, descending, arrayContains
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
            }
        }
    }

    /// `projects/P/databases/D/collectionGroups/G/indexes/ID`; `nil` before creation.
    public var name: String?
    public var collectionGroup: String
    public var queryScope: QueryScope
    public var fields: [Field]
    /// `nil` for an index not read from the API.
    public var state: State?

    public init(collectionGroup: String, queryScope: QueryScope = .collection, fields: [Field], name: String? = nil, state: State? = nil) {
        self.collectionGroup = collectionGroup
        self.queryScope = queryScope
        self.fields = fields
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

    public var description: String {
        "\(collectionGroup) [\(definitionFields.map(\.description).joined(separator: ", "))] \(queryScope.rawValue)"
            + (state.map { " \($0.rawValue)" } ?? "")
    }

    /// The request body for `indexes.create`.
    public var requestJSON: JSON {
        .object([
            "queryScope": .string(queryScope.rawValue),
            "fields": .array(fields.map { field in
                switch field.mode {
                case .ascending: .object(["fieldPath": .string(field.fieldPath), "order": .string("ASCENDING")])
                case .descending: .object(["fieldPath": .string(field.fieldPath), "order": .string("DESCENDING")])
                case .arrayContains: .object(["fieldPath": .string(field.fieldPath), "arrayConfig": .string("CONTAINS")])
                }
            }),
        ])
    }

    /// Decodes an Index resource; `nil` fields the API omits are tolerated, unknown modes are not.
    public init(json: JSON) throws(AdminDecodingError) {
        guard let name = json["name"]?.stringValue else { throw AdminDecodingError("Index without a name") }
        let segments = name.split(separator: "/")
        guard let groupIndex = segments.firstIndex(of: "collectionGroups"), groupIndex + 1 < segments.count else {
            throw AdminDecodingError("Index name \(name) has no collectionGroups segment")
        }
        var fields: [Field] = []
        for entry in json["fields"]?.arrayValue ?? [] {
            guard let path = entry["fieldPath"]?.stringValue else { throw AdminDecodingError("index field without fieldPath in \(name)") }
            switch (entry["order"]?.stringValue, entry["arrayConfig"]?.stringValue) {
            case ("ASCENDING", _): fields.append(Field(path, .ascending))
            case ("DESCENDING", _): fields.append(Field(path, .descending))
            case (_, "CONTAINS"): fields.append(Field(path, .arrayContains))
            default: throw AdminDecodingError("index field \(path) in \(name) has no order or arrayConfig we know")
            }
        }
        let scopeText = json["queryScope"]?.stringValue ?? "COLLECTION"
        guard let scope = QueryScope(rawValue: scopeText) else { throw AdminDecodingError("unknown queryScope \(scopeText)") }
        self.init(
            collectionGroup: String(segments[groupIndex + 1]), queryScope: scope, fields: fields, name: name,
            state: json["state"]?.stringValue.map { State(rawValue: $0) ?? .unspecified })
    }
}

/// An Admin API answer that does not have the documented shape.
public struct AdminDecodingError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
