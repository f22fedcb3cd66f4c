import Foundation

/// The Field resource's REST JSON, both ways
/// (firestore.googleapis.com/v1 `projects.databases.collectionGroups.fields`).
extension AdminField {
    /// Decodes a Field resource. Absent members take their documented defaults (no indexes, no
    /// TTL policy); a single-field index of a kind this client does not know becomes `.unknown`.
    public init(json: JSON) throws(AdminDecodingError) {
        guard let name = json["name"]?.stringValue else { throw AdminDecodingError("Field without a name") }
        let (group, path) = try Self.parse(name: name)
        let config = json["indexConfig"] ?? .object([:])
        var indexes: [Index] = []
        for entry in config["indexes"]?.arrayValue ?? [] {
            indexes.append(try Index(json: entry, field: name))
        }
        self.init(
            name: name, collectionGroup: group, fieldPath: path, indexes: indexes,
            usesAncestorConfig: config["usesAncestorConfig"]?.boolValue ?? false,
            ancestorField: config["ancestorField"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 },
            reverting: config["reverting"]?.boolValue ?? false,
            ttlState: json["ttlConfig"].map { TTLState(rawValue: $0["state"]?.stringValue ?? "") ?? .unspecified })
    }

    /// The `indexConfig` a patch sends: each index names this field as its only field, as the API
    /// requires.
    public var indexConfigJSON: JSON {
        .object(["indexes": .array(indexes.map { $0.requestJSON(fieldPath: fieldPath) })])
    }

    /// The whole resource as the API returns it (for stand-ins and round-trip tests).
    public var resourceJSON: JSON {
        var config: [String: JSON] = [
            "indexes": .array(indexes.map { $0.resourceJSON(fieldPath: fieldPath) }),
            "usesAncestorConfig": .bool(usesAncestorConfig),
        ]
        if let ancestorField { config["ancestorField"] = .string(ancestorField) }
        if reverting { config["reverting"] = .bool(true) }
        var body: [String: JSON] = ["name": .string(name), "indexConfig": .object(config)]
        if let ttlState { body["ttlConfig"] = .object(["state": .string(ttlState.rawValue)]) }
        return .object(body)
    }
}

extension AdminField.Index {
    /// One Index of a field's `indexConfig`; `field` names the field in errors.
    public init(json entry: JSON, field: String) throws(AdminDecodingError) {
        let scopeText = entry["queryScope"]?.stringValue ?? "COLLECTION"
        guard let scope = AdminIndex.QueryScope(rawValue: scopeText) else {
            throw AdminDecodingError("unknown queryScope \(scopeText) in a single-field index of \(field)")
        }
        let fields = entry["fields"]?.arrayValue ?? []
        let mode: Mode
        if fields.count == 1, let first = fields.first {
            switch (first["order"]?.stringValue, first["arrayConfig"]?.stringValue) {
            case ("ASCENDING", nil): mode = .ascending
            case ("DESCENDING", nil): mode = .descending
            case (nil, "CONTAINS"): mode = .arrayContains
            default: mode = .unknown(first)
            }
        } else {
            mode = .unknown(.array(fields))
        }
        self.init(
            queryScope: scope, mode: mode,
            apiScope: entry["apiScope"]?.stringValue.map { AdminIndex.APIScope(rawValue: $0) } ?? .anyAPI,
            state: entry["state"]?.stringValue.map { AdminIndex.State(rawValue: $0) ?? .unspecified })
    }

    /// The index as a patch sends it: `queryScope`, one field, `apiScope` when not the default.
    public func requestJSON(fieldPath: String) -> JSON {
        var body: [String: JSON] = ["queryScope": .string(queryScope.rawValue), "fields": .array([fieldJSON(fieldPath)])]
        if apiScope != .anyAPI { body["apiScope"] = .string(apiScope.rawValue) }
        return .object(body)
    }

    func resourceJSON(fieldPath: String) -> JSON {
        guard case .object(var body) = requestJSON(fieldPath: fieldPath) else { return requestJSON(fieldPath: fieldPath) }
        if let state { body["state"] = .string(state.rawValue) }
        return .object(body)
    }

    private func fieldJSON(_ fieldPath: String) -> JSON {
        let path = JSON.string(fieldPath)
        return switch mode {
        case .ascending: .object(["fieldPath": path, "order": .string("ASCENDING")])
        case .descending: .object(["fieldPath": path, "order": .string("DESCENDING")])
        case .arrayContains: .object(["fieldPath": path, "arrayConfig": .string("CONTAINS")])
        case .unknown(let json): json
        }
    }
}
