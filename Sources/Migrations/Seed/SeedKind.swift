/// The shape a seeded document was generated in: what the migration should find in it.
///
/// Anomaly kinds carry the code the compatibility layer reports, so a test (or a dry-run against a
/// seeded emulator) can check that every seeded anomaly is found and nothing else is.
public enum SeedKind: String, Sendable, CaseIterable, Hashable {
    /// Legacy shape (trades: `offeredSkills`, `creatorId`, …; conversations: id strings; notifications: no `read`).
    case legacy
    /// Current shape before v2 (trades: TradeSkill objects and a `participants` map).
    case current
    /// Some v2 fields written, not all (the migration finishes it).
    case halfMigrated
    /// Complete v2 (the migration skips it).
    case v2

    case creatorMissing, creatorConflict, skillsNotArray, createdAtUnparseable, createdAtMissing
    case participantsMissing, participantWithoutId, updatedAtUnderivable
    case userIdMissing

    /// The anomaly code the compatibility layer reports for this kind, or `nil` for a valid shape.
    public var anomalyCode: String? {
        switch self {
        case .legacy, .current, .halfMigrated, .v2: nil
        default: rawValue
        }
    }

    /// Every anomaly SCHEMA.md lists for the collection, in the order the generator cycles through them.
    public static func anomalies(for collection: SeedCollection) -> [SeedKind] {
        switch collection {
        case .trades: [.creatorMissing, .creatorConflict, .skillsNotArray, .createdAtUnparseable, .createdAtMissing]
        case .conversations: [.participantsMissing, .participantWithoutId, .updatedAtUnderivable]
        case .notifications: [.userIdMissing]
        }
    }
}

/// The three TradeYa collections the seed writes.
public enum SeedCollection: String, Sendable, CaseIterable, Hashable {
    case trades, conversations, notifications

    /// Distinguishes the collections' random streams.
    var stream: UInt64 {
        switch self {
        case .trades: 1
        case .conversations: 2
        case .notifications: 3
        }
    }
}
