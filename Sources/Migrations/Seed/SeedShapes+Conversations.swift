import Firestore

extension SeedShapes {
    mutating func conversation(_ kind: SeedKind) -> [String: Value] {
        switch kind {
        case .legacy:
            var fields = conversationBase(objects: false)
            if random.chance(50) { fields["updatedAt"] = nil }
            return fields
        case .current:
            var fields = conversationBase(objects: true)
            if random.chance(20) { fields["updatedAt"] = nil }
            return fields
        case .halfMigrated:
            var fields = conversationBase(objects: random.chance(50))
            fields["participantIds"] = .array(participantIDs(fields).map(Value.string))
            fields["updatedAt"] = nil
            return fields
        case .v2:
            var fields = conversationBase(objects: true)
            fields["participantIds"] = .array(participantIDs(fields).map(Value.string))
            fields["schemaVersion"] = .integer(2)
            fields["migrationId"] = .string("2026-11-conversations-v2")
            fields["migratedAt"] = .timestamp(instant())
            return fields
        case .participantsMissing:
            var fields = conversationBase(objects: true)
            fields["participants"] = random.chance(50) ? nil : .array([])
            return fields
        case .participantWithoutId:
            var fields = conversationBase(objects: true)
            if case .array(var people)? = fields["participants"] {
                people.append(.map(["name": .string(random.pick(Self.names))]))
                fields["participants"] = .array(people)
            }
            return fields
        case .updatedAtUnderivable:
            var fields = conversationBase(objects: false)
            for key in ["updatedAt", "lastMessageAt", "createdAt"] { fields[key] = nil }
            return fields
        default:
            preconditionFailure("\(kind) is not a conversation kind")
        }
    }

    /// Two or three participants (`[{id, name}]` or id strings), with the usual times.
    mutating func conversationBase(objects: Bool) -> [String: Value] {
        let count = 2 + (random.chance(20) ? 1 : 0)
        var people: [Value] = []
        for _ in 0..<count {
            let id = userID()
            people.append(objects ? .map(["id": .string(id), "name": .string(random.pick(Self.names))]) : .string(id))
        }
        let created = instant()
        var fields: [String: Value] = [
            "participants": .array(people),
            "createdAt": .timestamp(created),
            "updatedAt": .timestamp(Timestamp(seconds: created.seconds + Int64(random.below(86_400)))),
            "lastMessage": .string(text(6 + random.below(10))),
        ]
        if random.chance(70) { fields["lastMessageAt"] = .timestamp(Timestamp(seconds: created.seconds + Int64(random.below(86_400)))) }
        return fields
    }

    private func participantIDs(_ fields: [String: Value]) -> [String] {
        let ids = (fields["participants"]?.arrayValue ?? []).compactMap { $0.stringValue ?? $0.mapValue?["id"]?.stringValue }
        return Array(Set(ids)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
