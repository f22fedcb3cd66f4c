import Foundation

/// One field's index configuration as the Admin API describes it
/// (`google.firestore.admin.v1.Field`): the single-field indexes Firestore keeps for it and its
/// time-to-live policy.
///
/// A field with no override inherits its indexes from an ancestor (`usesAncestorConfig`); an
/// override replaces them, and an empty list exempts the field from indexing, which is what keeps
/// an ever-increasing field such as `migratedAt` from capping writes at about 500 per second.
/// The JSON forms live in `AdminField+JSON.swift`.
public struct AdminField: Sendable, Hashable, CustomStringConvertible {
    /// One single-field index of the field.
    public struct Index: Sendable, Hashable, CustomStringConvertible {
        public enum Mode: Sendable, Hashable {
            case ascending, descending, arrayContains
            /// A kind this client does not know, kept as the API sent it (the whole field entry).
            case unknown(JSON)
        }

        public var queryScope: AdminIndex.QueryScope
        public var mode: Mode
        /// `.anyAPI` when the API omits it.
        public var apiScope: AdminIndex.APIScope
        /// `nil` for an index not read from the API.
        public var state: AdminIndex.State?

        public init(
            queryScope: AdminIndex.QueryScope = .collection, mode: Mode, apiScope: AdminIndex.APIScope = .anyAPI,
            state: AdminIndex.State? = nil
        ) {
            self.queryScope = queryScope
            self.mode = mode
            self.apiScope = apiScope
            self.state = state
        }

        /// `ASC COLLECTION`, `CONTAINS COLLECTION_GROUP`, with the API scope when not the default.
        public var description: String {
            let mode = switch self.mode {
            case .ascending: "ASC"
            case .descending: "DESC"
            case .arrayContains: "CONTAINS"
            case .unknown(let json): "UNKNOWN \(json.text)"
            }
            return "\(mode) \(queryScope.rawValue)" + (apiScope == .anyAPI ? "" : " \(apiScope.rawValue)")
        }
    }

    /// A time-to-live policy's state (`ttlConfig.state`).
    public enum TTLState: String, Sendable, Hashable {
        case creating = "CREATING"
        case active = "ACTIVE"
        case needsRepair = "NEEDS_REPAIR"
        case unspecified = "STATE_UNSPECIFIED"
    }

    /// `projects/P/databases/D/collectionGroups/G/fields/PATH`, the path in the Admin API's quoting.
    public var name: String
    public var collectionGroup: String
    /// The field path in Firestore's encoded form (`a.b`, `` `odd-name`.x ``), or `*`.
    public var fieldPath: String
    /// The field's single-field indexes (inherited ones when `usesAncestorConfig`).
    public var indexes: [Index]
    /// True when the field has no index override of its own.
    public var usesAncestorConfig: Bool
    /// The field the configuration is inherited from (for example `…/__default__/fields/*`).
    public var ancestorField: String?
    /// True while an override is being removed and the field goes back to its ancestor's indexes.
    public var reverting: Bool
    /// The time-to-live policy, when one is set on the field.
    public var ttlState: TTLState?

    public init(
        name: String, collectionGroup: String, fieldPath: String, indexes: [Index], usesAncestorConfig: Bool = false,
        ancestorField: String? = nil, reverting: Bool = false, ttlState: TTLState? = nil
    ) {
        self.name = name
        self.collectionGroup = collectionGroup
        self.fieldPath = fieldPath
        self.indexes = indexes
        self.usesAncestorConfig = usesAncestorConfig
        self.ancestorField = ancestorField
        self.reverting = reverting
        self.ttlState = ttlState
    }

    /// The database-wide default configuration (`collectionGroups/__default__/fields/*`), which
    /// every listing of overrides includes and none of them is.
    public var isDatabaseDefault: Bool { collectionGroup == "__default__" }

    public var description: String {
        let config = usesAncestorConfig ? "inherited" : (indexes.isEmpty ? "not indexed" : indexes.map(\.description).joined(separator: ", "))
        return "\(collectionGroup).\(fieldPath) [\(config)]" + (ttlState.map { " TTL \($0.rawValue)" } ?? "") + (reverting ? " reverting" : "")
    }

    // MARK: Names

    /// The resource name of a field, its path quoted as the Admin API expects: every segment that is
    /// not a simple name goes in backticks (`` fields/`odd-name`.x ``); `*` stays as it is.
    ///
    /// - Throws: `FieldPathError` for a path that is not a valid encoded field path.
    public static func resourceName(database: String, collectionGroup: String, fieldPath: String) throws(FieldPathError) -> String {
        "\(database)/collectionGroups/\(collectionGroup)/fields/\(try canonicalPath(fieldPath))"
    }

    /// The encoded form Firestore itself uses: `` `simple` `` loses its needless backticks, so two
    /// spellings of one path compare equal.
    public static func canonicalPath(_ fieldPath: String) throws(FieldPathError) -> String {
        fieldPath == "*" ? "*" : try FieldPath(parsing: fieldPath).encoded
    }

    /// Splits a field's resource name into its collection group and (canonical) field path.
    public static func parse(name: String) throws(AdminDecodingError) -> (collectionGroup: String, fieldPath: String) {
        guard let groupsRange = name.range(of: "/collectionGroups/"),
              let fieldsRange = name.range(of: "/fields/", range: groupsRange.upperBound..<name.endIndex)
        else { throw AdminDecodingError("Field name \(name) is not …/collectionGroups/G/fields/PATH") }
        let group = String(name[groupsRange.upperBound..<fieldsRange.lowerBound])
        let path = String(name[fieldsRange.upperBound...])
        guard !group.isEmpty, !path.isEmpty else { throw AdminDecodingError("Field name \(name) has an empty group or path") }
        do { return (group, try canonicalPath(path)) } catch {
            throw AdminDecodingError("Field name \(name): \(error)")
        }
    }
}
