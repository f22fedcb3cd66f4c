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
        // Each stored field is looked up once and handed to the rule that needs it: String-keyed
        // hashing is most of this function's cost, and it must stay small next to decoding.
        var builder = NormalizationBuilder(fields)
        let offered = fields["skillsOffered"], wanted = fields["skillsWanted"], participants = fields["participants"]
        skills(&builder, new: FieldPaths.skillsOffered, stored: offered, legacy: "offeredSkills", detail: FieldPaths.skillsOfferedDetail)
        skills(&builder, new: FieldPaths.skillsWanted, stored: wanted, legacy: "requestedSkills", detail: FieldPaths.skillsWantedDetail)
        self.participants(&builder, stored: participants)
        FieldRules.createdAt(&builder)
        let isCurrentShape = offered != nil || wanted != nil || participants != nil
        return builder.finish(schemaVersion: SchemaVersionReading(fields["schemaVersion"]), inferredVersion: isCurrentShape ? 1 : 0)
    }

    /// The new field wins when present (v1, v2, or the application wrote it); else the legacy one;
    /// with neither, the trade has no skills on that side and gets an empty array.
    private func skills(_ builder: inout NormalizationBuilder, new newPath: FieldPath, stored: Value?, legacy: String, detail: FieldPath) {
        let new = newPath.segments[0]
        let source: (field: String, value: Value)
        if let stored, !stored.isNull {
            if FieldRules.isFlatNames(stored) { return }  // already v2: nothing to derive
            source = (new, stored)
        } else if let old = builder.stored[legacy], !old.isNull {
            source = (legacy, old)
        } else {
            builder.set(newPath, .array([]), replacing: stored)
            return
        }
        switch FieldRules.flattenSkills(source.value, field: source.field) {
        case .anomaly(let anomaly):
            builder.anomalies.append(anomaly)
        case .names(let names, let heldObjects):
            // Only v1 objects in the new field move: objects in a legacy field stay where they are.
            if heldObjects && source.field == new { builder.set(detail, source.value) }
            builder.set(newPath, FieldRules.stringArray(names), replacing: stored)
        }
    }

    private func participants(_ builder: inout NormalizationBuilder, stored participants: Value?) {
        let stored = builder.stored
        var map: [String: Value]? = nil
        switch participants {
        case nil, .null?: break
        case .map(let m)?: map = m
        case let other?:
            builder.anomaly(
                "participantsNotMap", "participants",
                "participants is a \(other.typeName), expected a {creator, participant} map; correct it by hand")
            return
        }

        let storedCreator = map?["creator"]
        let fromMap = storedCreator?.stringValue
        let fromID = stored["creatorId"]?.stringValue
        let creator: String
        switch (fromMap, fromID) {
        case (nil, nil):
            builder.anomaly(
                "creatorMissing", "participants.creator",
                "no creator: creatorId and participants.creator are both missing or not strings; set the creator by hand")
            return
        case let (m?, i?) where !m.hasSameUTF8(as: i):
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
            builder.set(FieldPaths.participants, .map(value), replacing: participants)
            return
        }
        builder.set(FieldPaths.participantsCreator, .string(creator), replacing: storedCreator)
        let participant = map["participant"]
        switch participant {
        case .string?: break
        case nil, .null?:
            if let participantID {
                builder.set(FieldPaths.participantsParticipant, .string(participantID), replacing: participant)
            } else {
                builder.remove(FieldPaths.participantsParticipant, stored: participant)  // v2 omits it, never null
            }
        case let other?:
            builder.anomaly(
                "participantNotString", "participants.participant",
                "participants.participant is a \(other.typeName), expected a user id string; correct it by hand")
        }
    }
}
