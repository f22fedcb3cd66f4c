import Firestore

extension SeedShapes {
    mutating func trade(_ kind: SeedKind) -> [String: Value] {
        switch kind {
        case .legacy: return legacyTrade()
        case .current: return currentTrade()
        case .halfMigrated:
            var fields = currentTrade()
            flattenSkills(&fields)
            if random.chance(50) {
                // The new app's writes landed, the date never converted.
                fields["createdAt"] = .string(isoString(instant()))
            } else {
                fields["schemaVersion"] = .integer(1)
            }
            return fields
        case .v2:
            var fields = random.chance(50) ? currentTrade() : legacyTrade()
            let creator = fields["participants"]?.mapValue?["creator"] ?? fields["creatorId"] ?? .string(userID())
            var participants: [String: Value] = ["creator": creator]
            if let participant = fields["participants"]?.mapValue?["participant"] ?? fields["participantId"] {
                participants["participant"] = participant
            }
            fields["participants"] = .map(participants)
            if fields["skillsOffered"] == nil {
                fields["skillsOffered"] = fields["offeredSkills"]
                fields["skillsWanted"] = fields["requestedSkills"]
            }
            flattenSkills(&fields)
            if case .string(let text)? = fields["createdAt"] {
                fields["createdAtLegacy"] = .string(text)
                fields["createdAt"] = .timestamp(ISO8601.parse(text) ?? instant())
            }
            fields["schemaVersion"] = .integer(2)
            fields["migrationId"] = .string("2026-11-trades-v2")
            fields["migratedAt"] = .timestamp(instant())
            return fields
        case .creatorMissing:
            var fields = legacyTrade()
            fields["creatorId"] = nil
            return fields
        case .creatorConflict:
            var fields = currentTrade()
            fields["creatorId"] = .string("user-0" + String(random.below(1000)))
            return fields
        case .skillsNotArray:
            var fields = currentTrade()
            fields["skillsOffered"] = .string(skillNames(2...3).joined(separator: ", "))
            return fields
        case .createdAtUnparseable:
            var fields = legacyTrade()
            fields["createdAt"] = .string(random.pick(["last Tuesday", "2024-13-45T10:00:00Z", "03/01/2024", "2024-03-01T10:00:00"]))
            return fields
        case .createdAtMissing:
            var fields = legacyTrade()
            fields["createdAt"] = nil
            return fields
        default:
            preconditionFailure("\(kind) is not a trade kind")
        }
    }

    /// v0: string skill arrays, creatorId/participantId, createdAt a timestamp or an ISO string.
    mutating func legacyTrade() -> [String: Value] {
        var fields = tradeBase()
        fields["offeredSkills"] = Self.strings(skillNames(1...4))
        fields["requestedSkills"] = Self.strings(skillNames(1...3))
        fields["creatorId"] = .string(userID())
        if random.chance(60) { fields["participantId"] = .string(userID()) }
        let created = instant()
        fields["createdAt"] = random.chance(60) ? .timestamp(created) : .string(isoString(created))
        return fields
    }

    /// v1: TradeSkill objects (sometimes a plain string among them), a participants map, often creatorId.
    mutating func currentTrade() -> [String: Value] {
        var fields = tradeBase()
        for key in ["skillsOffered", "skillsWanted"] {
            var skills = skillNames(1...4).map { tradeSkill($0) }
            if random.chance(15) { skills.append(.string(random.pick(Self.skills))) }
            fields[key] = .array(skills)
        }
        let creator = userID()
        var participants: [String: Value] = ["creator": .string(creator)]
        if random.chance(60) { participants["participant"] = .string(userID()) }
        fields["participants"] = .map(participants)
        if random.chance(70) { fields["creatorId"] = .string(creator) }
        let created = instant()
        fields["createdAt"] = random.chance(85) ? .timestamp(created) : .string(isoString(created))
        fields["updatedAt"] = .timestamp(created)
        return fields
    }

    /// What the v2 rule writes for skills: names, with the objects kept in the detail fields.
    private func flattenSkills(_ fields: inout [String: Value]) {
        for (key, detail) in [("skillsOffered", "skillsOfferedDetail"), ("skillsWanted", "skillsWantedDetail")] {
            guard case .array(let elements)? = fields[key] else { continue }
            var names: [String] = []
            var objects = false
            for element in elements {
                if case .string(let s) = element { names.append(s) }
                if case .string(let s)? = element.mapValue?["name"] { names.append(s); objects = true }
            }
            if objects { fields[detail] = fields[key] }
            var seen: Set<String> = []
            fields[key] = Self.strings(names.filter { seen.insert($0).inserted })
        }
    }
}
