import Firestore

/// SCHEMA.md's compatibility layer for `conversations`.
///
/// `participantIds` is derived from `participants` (`[{id, name}]` objects or plain id strings):
/// sorted by UTF-8 bytes (Firestore's string order) and de-duplicated, so the array-contains index
/// works; `updatedAt`, when missing or null, falls back to `lastMessageAt`, then `createdAt` (a
/// timestamp, or an ISO-8601 string converted to one). `participants` itself is never changed.
public struct ConversationNormalizer: DocumentNormalizer {
    public let collection: String

    public init(collection: String = "conversations") { self.collection = collection }

    public func normalize(_ fields: [String: Value]) -> Normalized {
        var builder = NormalizationBuilder(fields)
        participantIDs(&builder)
        updatedAt(&builder)
        return builder.finish(schemaVersion: SchemaVersionReading(fields["schemaVersion"]), inferredVersion: 1)
    }

    private func participantIDs(_ builder: inout NormalizationBuilder) {
        let elements: [Value]
        switch builder.stored["participants"] {
        case nil, .null?:
            builder.anomaly(
                "participantsMissing", "participants",
                "participants is missing: a conversation without participants is in nobody's inbox; restore them by hand")
            return
        case .array(let array)?:
            guard !array.isEmpty else {
                builder.anomaly(
                    "participantsMissing", "participants",
                    "participants is empty: a conversation without participants is in nobody's inbox; restore them by hand")
                return
            }
            elements = array
        case let other?:
            builder.anomaly(
                "participantsNotArray", "participants",
                "participants is a \(other.typeName), expected an array of {id, name} objects or id strings; correct it by hand")
            return
        }
        var ids: [String] = []
        var missing: [Anomaly] = []
        for (index, element) in elements.enumerated() {
            let id: String?
            switch element {
            case .string(let s): id = s
            case .map(let m): id = m["id"]?.stringValue
            default: id = nil
            }
            if let id, !id.isEmpty {
                ids.append(id)
            } else {
                missing.append(Anomaly(
                    code: "participantWithoutId", field: "participants[\(index)]",
                    reason: "participants[\(index)] (a \(element.typeName)) has no id string; add the user's id or remove the entry by hand"))
            }
        }
        guard missing.isEmpty else {
            builder.anomalies += missing
            return
        }
        builder.set(FieldPaths.participantIds, FieldRules.stringArray(FieldRules.sortedUnique(ids)))
    }

    private func updatedAt(_ builder: inout NormalizationBuilder) {
        if let current = builder.stored["updatedAt"], !current.isNull { return }
        for source in ["lastMessageAt", "createdAt"] {
            if let instant = FieldRules.instant(builder.stored[source]) {
                builder.set(FieldPaths.updatedAt, .timestamp(instant))
                return
            }
        }
        builder.anomaly(
            "updatedAtUnderivable", "updatedAt",
            "no updatedAt, and neither lastMessageAt nor createdAt is a timestamp or ISO-8601 string: the conversation would vanish from the inbox query; set updatedAt by hand")
    }
}
