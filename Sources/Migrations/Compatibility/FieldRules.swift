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
        switch builder.stored["createdAt"] {
        case nil, .null?:
            let what = builder.stored["createdAt"] == nil ? "missing" : "null"
            builder.anomaly(
                "createdAtMissing", "createdAt",
                "createdAt is \(what): a document without it drops out of every query ordered by createdAt; set the real creation time by hand")
        case .timestamp?:
            break
        case .string(let text)?:
            if let timestamp = ISO8601.parse(text) {
                builder.set("createdAt", .timestamp(timestamp))
                builder.set("createdAtLegacy", .string(text))
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

    /// Removes exact duplicates (UTF-8 bytes, not Unicode canonical equivalence), keeping the first.
    static func uniqued(_ strings: [String]) -> [String] {
        guard strings.count > 1 else { return strings }
        var seen: Set<[UInt8]> = []
        return strings.filter { seen.insert(Array($0.utf8)).inserted }
    }

    /// Sorted by UTF-8 bytes (Firestore's string order) and de-duplicated.
    static func sortedUnique(_ strings: [String]) -> [String] {
        uniqued(strings).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    static func stringArray(_ strings: [String]) -> Value { .array(strings.map(Value.string)) }
}
