import Foundation

/// The Index resource's REST JSON, both ways
/// (firestore.googleapis.com/v1 `projects.databases.collectionGroups.indexes`).
extension AdminIndex {
    /// The request body for `indexes.create`: `queryScope`, `fields`, and `apiScope` / `density`
    /// only when they differ from the defaults, as the Firebase CLI sends them.
    public var requestJSON: JSON {
        var body: [String: JSON] = [
            "queryScope": .string(queryScope.rawValue),
            "fields": .array(fields.map(\.json)),
        ]
        if apiScope != .anyAPI { body["apiScope"] = .string(apiScope.rawValue) }
        if let density { body["density"] = .string(density) }
        return .object(body)
    }

    /// The whole resource as the API returns it (`requestJSON` plus `name` and `state`).
    public var resourceJSON: JSON {
        guard case .object(var body) = requestJSON else { return requestJSON }
        body["apiScope"] = .string(apiScope.rawValue)
        if let name { body["name"] = .string(name) }
        if let state { body["state"] = .string(state.rawValue) }
        return .object(body)
    }

    /// Decodes an Index resource. Fields the API omits take their documented defaults; a field of
    /// a kind this client does not know becomes `.unknown` rather than failing the listing.
    public init(json: JSON) throws(AdminDecodingError) {
        guard let name = json["name"]?.stringValue else { throw AdminDecodingError("Index without a name") }
        let segments = name.split(separator: "/")
        guard let groupIndex = segments.firstIndex(of: "collectionGroups"), groupIndex + 1 < segments.count else {
            throw AdminDecodingError("Index name \(name) has no collectionGroups segment")
        }
        var fields: [Field] = []
        for entry in json["fields"]?.arrayValue ?? [] {
            fields.append(try Field(json: entry, index: name))
        }
        let scopeText = json["queryScope"]?.stringValue ?? "COLLECTION"
        guard let scope = QueryScope(rawValue: scopeText) else { throw AdminDecodingError("unknown queryScope \(scopeText) in \(name)") }
        self.init(
            collectionGroup: String(segments[groupIndex + 1]), queryScope: scope,
            apiScope: json["apiScope"]?.stringValue.map { APIScope(rawValue: $0) } ?? .anyAPI, fields: fields,
            density: json["density"]?.stringValue, name: name,
            state: json["state"]?.stringValue.map { State(rawValue: $0) ?? .unspecified })
    }
}

extension AdminIndex.Field {
    /// `{"fieldPath", "order" | "arrayConfig" | "vectorConfig": {"dimension", "flat": {}}}`; an
    /// unknown kind is written back exactly as it was read.
    public var json: JSON {
        let path = JSON.string(fieldPath)
        return switch mode {
        case .ascending: .object(["fieldPath": path, "order": .string("ASCENDING")])
        case .descending: .object(["fieldPath": path, "order": .string("DESCENDING")])
        case .arrayContains: .object(["fieldPath": path, "arrayConfig": .string("CONTAINS")])
        case .vector(let dimension):
            .object(["fieldPath": path, "vectorConfig": .object(["dimension": .int(dimension), "flat": .object([:])])])
        case .unknown(let json): json
        }
    }

    /// One `IndexField`; `index` names the index in errors.
    public init(json entry: JSON, index: String) throws(AdminDecodingError) {
        guard let path = entry["fieldPath"]?.stringValue else { throw AdminDecodingError("index field without fieldPath in \(index)") }
        switch (entry["order"]?.stringValue, entry["arrayConfig"]?.stringValue, entry["vectorConfig"]) {
        case ("ASCENDING", nil, nil): self.init(path, .ascending)
        case ("DESCENDING", nil, nil): self.init(path, .descending)
        case (nil, "CONTAINS", nil): self.init(path, .arrayContains)
        case (nil, nil, let vector?):
            // Only the flat index type exists today; another type is a kind we do not know.
            if let dimension = vector["dimension"]?.int64Value, dimension > 0, let flat = vector["flat"]?.objectValue, flat.isEmpty,
               vector.objectValue?.count == 2, let size = Int(exactly: dimension) {
                self.init(path, .vector(dimension: size))
            } else {
                self.init(path, .unknown(entry))
            }
        default: self.init(path, .unknown(entry))
        }
    }
}
