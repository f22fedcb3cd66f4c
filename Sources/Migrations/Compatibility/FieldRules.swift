import Firestore

/// The stored `schemaVersion`, read without trusting it.
struct SchemaVersionReading {
    /// The stored version when it is an integer from 0 to 2.
    var stored: Int64?
    /// The stored integer whatever its range (a future version is reported, not rewritten).
    var rawInteger: Int64?
    var anomaly: Anomaly?

    init(_ value: Value?) {
        switch value {
        case nil, .null?:
            break
        case .integer(let v)?:
            rawInteger = v
            if (0...2).contains(v) {
                stored = v
            } else if v > 2 {
                anomaly = Anomaly(
                    code: "schemaVersionNewer", field: "schemaVersion",
                    reason: "schemaVersion is \(v), newer than this migration's 2; run the migration that wrote it, not this one")
            } else {
                anomaly = Anomaly(
                    code: "schemaVersionInvalid", field: "schemaVersion",
                    reason: "schemaVersion is \(v); expected an integer from 0 to 2 or no field; fix the document by hand")
            }
        case let other?:
            anomaly = Anomaly(
                code: "schemaVersionInvalid", field: "schemaVersion",
                reason: "schemaVersion is a \(other.typeName), expected an integer; fix the document by hand")
        }
    }
}

/// Rules shared by several collections.
enum FieldRules {
    /// `createdAt` as SCHEMA.md says for trades (and notifications): a timestamp stays; an ISO-8601
    /// string is parsed into `createdAt` and kept verbatim in `createdAtLegacy`; anything else, or
    /// nothing, is an anomaly.
    static func createdAt(_ builder: inout NormalizationBuilder) {
        let stored = builder.stored["createdAt"]
        switch stored {
        case nil, .null?:
            let what = stored == nil ? "missing" : "null"
            builder.anomaly(
                "createdAtMissing", "createdAt",
                "createdAt is \(what): a document without it drops out of every query ordered by createdAt; set the real creation time by hand")
        case .timestamp?:
            break
        case .string(let text)?:
            if let timestamp = ISO8601.parse(text) {
                builder.set(FieldPaths.createdAt, .timestamp(timestamp), replacing: stored)
                builder.set(FieldPaths.createdAtLegacy, .string(text))
            } else {
                builder.anomaly(
                    "createdAtUnparseable", "createdAt",
                    "createdAt \"\(text)\" is not an ISO-8601 date-time with a time zone (e.g. 2024-03-01T10:00:00Z); correct it by hand")
            }
        case let other?:
            builder.anomaly(
                "createdAtNotTimestamp", "createdAt",
                "createdAt is a \(other.typeName), expected a timestamp or an ISO-8601 string; correct it by hand")
        }
    }

    /// A timestamp from a timestamp or an ISO-8601 string, for values copied into a new field.
    static func instant(_ value: Value?) -> Timestamp? {
        switch value {
        case .timestamp(let t)?: t
        case .string(let s)?: ISO8601.parse(s)
        default: nil
        }
    }

    enum Skills {
        case names([String], heldObjects: Bool)
        case anomaly(Anomaly)
    }

    /// Flattens a skills array to names: a string element is kept, a TradeSkill map gives its `name`;
    /// order kept, exact duplicates (by UTF-8 bytes) dropped.
    static func flattenSkills(_ value: Value, field: String) -> Skills {
        guard case .array(let elements) = value else {
            return .anomaly(Anomaly(
                code: "skillsNotArray", field: field,
                reason: "\(field) is a \(value.typeName), expected an array of skill names or TradeSkill objects; correct it by hand"))
        }
        var names: [String] = []
        var heldObjects = false
        for (index, element) in elements.enumerated() {
            switch element {
            case .string(let name):
                names.append(name)
            case .map(let skill):
                heldObjects = true
                guard case .string(let name)? = skill["name"] else {
                    return .anomaly(Anomaly(
                        code: "skillWithoutName", field: "\(field)[\(index)]",
                        reason: "\(field)[\(index)] is a TradeSkill without a string name; give it a name or remove it by hand"))
                }
                names.append(name)
            default:
                return .anomaly(Anomaly(
                    code: "skillWithoutName", field: "\(field)[\(index)]",
                    reason: "\(field)[\(index)] is a \(element.typeName), expected a skill name or a TradeSkill object; correct it by hand"))
            }
        }
        return .names(uniqued(names), heldObjects: heldObjects)
    }

    /// True for an array of distinct strings: a skills field that is already v2.
    static func isFlatNames(_ value: Value) -> Bool {
        guard case .array(let elements) = value else { return false }
        for (index, element) in elements.enumerated() {
            guard case .string(let name) = element else { return false }
            for earlier in elements[..<index] where earlier.stringValue?.hasSameUTF8(as: name) == true { return false }
        }
        return true
    }

    /// Removes exact duplicates (UTF-8 bytes, not Unicode canonical equivalence), keeping the first.
    static func uniqued(_ strings: [String]) -> [String] {
        guard strings.count > 1 else { return strings }
        if strings.count <= 32 {
            // Skill and participant lists are short: a scan beats hashing byte arrays.
            var kept: [String] = []
            kept.reserveCapacity(strings.count)
            for s in strings where !kept.contains(where: { $0.hasSameUTF8(as: s) }) { kept.append(s) }
            return kept
        }
        var seen: Set<[UInt8]> = []
        return strings.filter { seen.insert(Array($0.utf8)).inserted }
    }

    /// Sorted by UTF-8 bytes (Firestore's string order) and de-duplicated.
    static func sortedUnique(_ strings: [String]) -> [String] {
        uniqued(strings).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    static func stringArray(_ strings: [String]) -> Value { .array(strings.map(Value.string)) }
}

/// Paths the rules write, built once (a string literal would be parsed on every use).
enum FieldPaths {
    static let createdAt = FieldPath(["createdAt"])
    static let skillsOffered = FieldPath(["skillsOffered"])
    static let skillsOfferedDetail = FieldPath(["skillsOfferedDetail"])
    static let skillsWanted = FieldPath(["skillsWanted"])
    static let skillsWantedDetail = FieldPath(["skillsWantedDetail"])
    static let createdAtLegacy = FieldPath(["createdAtLegacy"])
    static let participants = FieldPath(["participants"])
    static let participantsCreator = FieldPath(["participants", "creator"])
    static let participantsParticipant = FieldPath(["participants", "participant"])
    static let participantIds = FieldPath(["participantIds"])
    static let updatedAt = FieldPath(["updatedAt"])
    static let read = FieldPath(["read"])
    static let schemaVersion = FieldPath(["schemaVersion"])
    static let migrationId = FieldPath(["migrationId"])
    static let migratedAt = FieldPath(["migratedAt"])
}
