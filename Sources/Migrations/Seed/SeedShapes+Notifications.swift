import Firestore

extension SeedShapes {
    mutating func notification(_ kind: SeedKind) -> [String: Value] {
        switch kind {
        case .legacy:
            var fields = notificationBase()
            fields["read"] = nil
            return fields
        case .current:
            return notificationBase()
        case .halfMigrated:
            var fields = notificationBase()
            fields["createdAt"] = .string(isoString(instant()))
            fields["schemaVersion"] = .integer(1)
            return fields
        case .v2:
            var fields = notificationBase()
            if case .string(let text)? = fields["createdAt"] {
                fields["createdAtLegacy"] = .string(text)
                fields["createdAt"] = .timestamp(ISO8601.parse(text) ?? instant())
            }
            fields["schemaVersion"] = .integer(2)
            fields["migrationId"] = .string("2026-11-notifications-v2")
            fields["migratedAt"] = .timestamp(instant())
            return fields
        case .userIdMissing:
            var fields = notificationBase()
            fields["userId"] = random.chance(50) ? nil : .integer(Int64(random.below(100_000)))
            return fields
        default:
            preconditionFailure("\(kind) is not a notification kind")
        }
    }

    /// A v1 notification: recipient, type, message, read flag, createdAt a timestamp (or, in the
    /// legacy shape's half of cases, an ISO string).
    mutating func notificationBase() -> [String: Value] {
        let created = instant()
        return [
            "userId": .string(userID()),
            "type": .string(random.pick(Self.notificationTypes)),
            "message": .string(text(5 + random.below(8))),
            "read": .boolean(random.chance(40)),
            "createdAt": random.chance(70) ? .timestamp(created) : .string(isoString(created)),
        ]
    }
}
