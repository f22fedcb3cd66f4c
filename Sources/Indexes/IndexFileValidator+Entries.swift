extension IndexFileValidator {
    static let indexKeys = ["collectionGroup", "queryScope", "fields", "apiScope", "density", "multiKey", "unique"]
    static let fieldKeys = ["fieldPath", "order", "arrayConfig", "vectorConfig"]
    static let overrideKeys = ["collectionGroup", "fieldPath", "ttl", "indexes"]
    static let overrideIndexKeys = ["queryScope", "order", "arrayConfig", "apiScope", "density", "multiKey", "unique"]
    /// Firestore's largest vector dimension.
    static let maximumVectorDimension = 2048

    /// One element of `indexes`; nil when it has problems (already reported).
    mutating func validateIndex(_ json: PositionedJSON, number: Int) -> CompositeIndex? {
        var subject = "index #\(number)"
        guard let members = object(json, subject, allowed: Self.indexKeys, what: "an index") else { return nil }
        let before = issues.count
        var group = ""
        if let value = members["collectionGroup"], let name = value.stringValue { subject += " (\(name))"; group = name }
        if let (name, position) = requiredString(members, "collectionGroup", in: json, subject) {
            _ = collectionGroup(name, at: position, subject)
        }
        var scope: QueryScope?
        if let value = members["queryScope"] {
            scope = queryScope(value, subject)
        } else {
            report(json.position, subject, .missingKey, "missing \"queryScope\" (COLLECTION or COLLECTION_GROUP)")
        }
        let apiScope = optionalEnum(members, "apiScope", Self.apiScopes, subject)
        let density = optionalEnum(members, "density", Self.densities, subject)
        let multiKey = optionalBool(members, "multiKey", subject)
        let unique = optionalBool(members, "unique", subject)

        var fields: [IndexField] = []
        if let value = members["fields"] {
            if let elements = value.elements {
                for (offset, element) in elements.enumerated() {
                    let fieldSubject = "\(subject), field \(offset + 1)"
                    guard let field = validateField(element, fieldSubject) else { continue }
                    if fields.contains(where: { $0.fieldPath == field.fieldPath }) {
                        report(element.position, fieldSubject, .duplicateField,
                               "\"\(field.fieldPath)\" appears twice in this index; a field is indexed in one mode per index")
                        continue
                    }
                    if field.mode == .arrayContains, fields.contains(where: { $0.mode == .arrayContains }) {
                        report(element.position, fieldSubject, .multipleArrayFields,
                               "a second arrayConfig field; Firestore allows one array-contains field per composite index")
                        continue
                    }
                    fields.append(field)
                }
                let isVector = elements.contains { $0["vectorConfig"] != nil }
                if elements.count < 2 && !isVector {
                    report(value.position, subject, .singleField,
                           elements.isEmpty
                           ? "an index with no fields; a composite index needs at least two"
                           : "an index with one field; Firestore creates single-field indexes itself: remove this entry, or use fieldOverrides to change that field's indexing")
                }
            } else {
                report(value.position, subject, .wrongType, "\"fields\" must be an array, found \(value.kindName)")
            }
        } else {
            report(json.position, subject, .missingKey, "missing \"fields\"")
        }
        guard issues.count == before, let scope else { return nil }
        return CompositeIndex(collectionGroup: group, queryScope: scope, fields: fields,
                              apiScope: apiScope, density: density, multiKey: multiKey, unique: unique)
    }

    /// One element of an index's `fields`.
    private mutating func validateField(_ json: PositionedJSON, _ subject: String) -> IndexField? {
        guard let members = object(json, subject, allowed: Self.fieldKeys, what: "an index field") else { return nil }
        let before = issues.count
        var path = ""
        if let (value, position) = requiredString(members, "fieldPath", in: json, subject) {
            path = value
            if case .failure(let problem) = IndexFieldPath.segments(of: value) {
                report(position, subject, .invalidFieldPath, "fieldPath \"\(value)\" is not valid: \(problem)")
            }
        }
        let mode = validateMode(members, in: json, subject, allowVector: true)
        guard issues.count == before, let mode else { return nil }
        return IndexField(path, mode)
    }

    /// Exactly one of `order`, `arrayConfig` (and, for composite indexes, `vectorConfig`).
    mutating func validateMode(
        _ members: [String: PositionedJSON], in json: PositionedJSON, _ subject: String, allowVector: Bool
    ) -> IndexFieldMode? {
        let keys = (allowVector ? ["order", "arrayConfig", "vectorConfig"] : ["order", "arrayConfig"])
            .filter { members[$0] != nil }
        guard keys.count == 1, let key = keys.first, let value = members[key] else {
            if keys.isEmpty {
                report(json.position, subject, .noIndexMode,
                       "no index mode: give \"order\" (ASCENDING or DESCENDING)\(allowVector ? "," : " or") \"arrayConfig\" (CONTAINS)\(allowVector ? " or \"vectorConfig\"" : "")")
            } else {
                let position = members[keys[1]]!.position
                report(position, subject, .conflictingIndexModes,
                       "both \(keys.map { "\"\($0)\"" }.joined(separator: " and ")); a field is indexed in one mode: keep one")
            }
            return nil
        }
        switch key {
        case "order":
            guard let (string, position) = string(value, "order", subject) else { return nil }
            switch string {
            case "ASCENDING": return .ascending
            case "DESCENDING": return .descending
            default:
                report(position, subject, .unknownOrder, "unknown order \"\(string)\"; use ASCENDING or DESCENDING")
                return nil
            }
        case "arrayConfig":
            guard let (string, position) = string(value, "arrayConfig", subject) else { return nil }
            guard string == "CONTAINS" else {
                report(position, subject, .unknownArrayConfig, "unknown arrayConfig \"\(string)\"; the only value is CONTAINS")
                return nil
            }
            return .arrayContains
        default:
            return validateVector(value, subject)
        }
    }

    private mutating func validateVector(_ json: PositionedJSON, _ subject: String) -> IndexFieldMode? {
        guard let members = object(json, subject, allowed: ["dimension", "flat"], what: "vectorConfig") else { return nil }
        if let flat = members["flat"], flat.members?.isEmpty != true {
            report(flat.position, subject, .invalidVectorConfig, "\"flat\" must be an empty object {}")
        }
        guard let value = members["dimension"] else {
            report(json.position, subject, .invalidVectorConfig, "vectorConfig needs \"dimension\"")
            return nil
        }
        guard let dimension = value.integerValue, dimension > 0, dimension <= Self.maximumVectorDimension else {
            report(value.position, subject, .invalidVectorConfig,
                   "\"dimension\" must be a whole number from 1 to \(Self.maximumVectorDimension)")
            return nil
        }
        return .vector(dimension: dimension)
    }

    /// One element of `fieldOverrides`.
    mutating func validateOverride(_ json: PositionedJSON, number: Int) -> FieldOverride? {
        var subject = "field override #\(number)"
        guard let members = object(json, subject, allowed: Self.overrideKeys, what: "a field override") else { return nil }
        let before = issues.count
        let group = members["collectionGroup"]?.stringValue ?? ""
        let path = members["fieldPath"]?.stringValue ?? ""
        if !group.isEmpty || !path.isEmpty { subject += " (\(group).\(path))" }
        if let (name, position) = requiredString(members, "collectionGroup", in: json, subject) {
            _ = collectionGroup(name, at: position, subject)
        }
        if let (value, position) = requiredString(members, "fieldPath", in: json, subject), value != "*",
           case .failure(let problem) = IndexFieldPath.segments(of: value) {
            report(position, subject, .invalidFieldPath, "fieldPath \"\(value)\" is not valid: \(problem)")
        }
        let ttl = optionalBool(members, "ttl", subject)
        var indexes: [FieldOverride.SingleFieldIndex] = []
        if let value = members["indexes"] {
            if let elements = value.elements {
                for (offset, element) in elements.enumerated() {
                    let indexSubject = "\(subject), index \(offset + 1)"
                    guard let entry = object(element, indexSubject, allowed: Self.overrideIndexKeys, what: "a single-field index") else { continue }
                    let scope = entry["queryScope"].map { queryScope($0, indexSubject) } ?? .collection
                    let apiScope = optionalEnum(entry, "apiScope", Self.apiScopes, indexSubject)
                    _ = optionalEnum(entry, "density", Self.densities, indexSubject)
                    _ = optionalBool(entry, "multiKey", indexSubject)
                    _ = optionalBool(entry, "unique", indexSubject)
                    if let mode = validateMode(entry, in: element, indexSubject, allowVector: false), let scope {
                        indexes.append(.init(queryScope: scope, mode: mode, apiScope: apiScope))
                    }
                }
            } else {
                report(value.position, subject, .wrongType, "\"indexes\" must be an array, found \(value.kindName)")
            }
        } else {
            report(json.position, subject, .missingKey, "missing \"indexes\" (use [] to exempt the field from indexing)")
        }
        guard issues.count == before else { return nil }
        return FieldOverride(collectionGroup: group, fieldPath: path, ttl: ttl, indexes: indexes)
    }
}
