import Firestore

/// SCHEMA.md's compatibility layer for `trades`: legacy (v0), current (v1), v2 and half-migrated.
///
/// Rules, in order: `skillsOffered`/`skillsWanted` flattened to names (with the v1 objects kept
/// byte-identical in `skillsOfferedDetail`/`skillsWantedDetail`), `participants` from
/// `creatorId`/`participantId`, `createdAt` as a timestamp. Legacy fields are never changed.
public struct TradeNormalizer: DocumentNormalizer {
    public let collection: String

    public init(collection: String = "trades") { self.collection = collection }

    public func normalize(_ fields: [String: Value]) -> Normalized {
        var builder = NormalizationBuilder(fields)
        skills(&builder, new: FieldPaths.skillsOffered, legacy: "offeredSkills", detail: FieldPaths.skillsOfferedDetail)
        skills(&builder, new: FieldPaths.skillsWanted, legacy: "requestedSkills", detail: FieldPaths.skillsWantedDetail)
        participants(&builder)
        FieldRules.createdAt(&builder)
        let isCurrentShape = fields["skillsOffered"] != nil || fields["skillsWanted"] != nil || fields["participants"] != nil
        return builder.finish(schemaVersion: SchemaVersionReading(fields["schemaVersion"]), inferredVersion: isCurrentShape ? 1 : 0)
    }

    /// The new field wins when present (v1, v2, or the application wrote it); else the legacy one;
    /// with neither, the trade has no skills on that side and gets an empty array.
    private func skills(_ builder: inout NormalizationBuilder, new newPath: FieldPath, legacy: String, detail: FieldPath) {
        let new = newPath.segments[0]
        let source: (field: String, value: Value)
        if let current = builder.stored[new], !current.isNull {
            source = (new, current)
        } else if let old = builder.stored[legacy], !old.isNull {
            source = (legacy, old)
        } else {
            builder.set(newPath, .array([]))
            return
        }
        if source.field == new, FieldRules.isFlatNames(source.value) { return }  // already v2: nothing to derive
        switch FieldRules.flattenSkills(source.value, field: source.field) {
        case .anomaly(let anomaly):
            builder.anomalies.append(anomaly)
        case .names(let names, let heldObjects):
            // Only v1 objects in the new field move: objects in a legacy field stay where they are.
            if heldObjects && source.field == new { builder.set(detail, source.value) }
            builder.set(newPath, FieldRules.stringArray(names))
        }
    }

    private func participants(_ builder: inout NormalizationBuilder) {
        let stored = builder.stored
        var map: [String: Value]? = nil
        switch stored["participants"] {
        case nil, .null?: break
        case .map(let m)?: map = m
        case let other?:
            builder.anomaly(
                "participantsNotMap", "participants",
                "participants is a \(other.typeName), expected a {creator, participant} map; correct it by hand")
            return
        }

        let fromMap = map?["creator"]?.stringValue
        let fromID = stored["creatorId"]?.stringValue
        let creator: String
        switch (fromMap, fromID) {
        case (nil, nil):
            builder.anomaly(
                "creatorMissing", "participants.creator",
                "no creator: creatorId and participants.creator are both missing or not strings; set the creator by hand")
            return
        case let (m?, i?) where !m.utf8.elementsEqual(i.utf8):
            builder.anomaly(
                "creatorConflict", "participants.creator",
                "creatorId \"\(i)\" and participants.creator \"\(m)\" disagree; decide which is right and fix the other by hand")
            return
        case let (m?, _): creator = m
        case let (nil, i?): creator = i
        }

        var participantID: String? = nil
        switch stored["participantId"] {
        case nil, .null?: break
        case .string(let s)?: participantID = s
        case let other?:
            builder.anomaly(
                "participantIdNotString", "participantId",
                "participantId is a \(other.typeName), expected a user id string; correct it by hand")
            return
        }

        guard let map else {
            var value: [String: Value] = ["creator": .string(creator)]
            if let participantID { value["participant"] = .string(participantID) }
            builder.set(FieldPaths.participants, .map(value))
            return
        }
        builder.set(FieldPaths.participantsCreator, .string(creator))
        switch map["participant"] {
        case .string?: break
        case nil, .null?:
            if let participantID {
                builder.set(FieldPaths.participantsParticipant, .string(participantID))
            } else {
                builder.remove(FieldPaths.participantsParticipant)  // v2 omits it, never null
            }
        case let other?:
            builder.anomaly(
                "participantNotString", "participants.participant",
                "participants.participant is a \(other.typeName), expected a user id string; correct it by hand")
        }
    }
}
