/// TradeYa's schema v2 (SCHEMA.md), the first payload Firestore Runbook ships: one migration per
/// collection, in the order a run applies them.
///
/// Each rule's text below is the migration's meaning for its checksum. Changing what a migration
/// does means changing its rules *and* bumping its version; the test vectors in
/// Tests/MigrationsTests/Vectors hold the code to these words.
public enum TradeYaV2 {
    public static let trades = Migration(
        id: "2026-11-trades-v2",
        version: 1,
        description: "Trades: flat skill names, participants map, createdAt as a timestamp",
        normalizer: TradeNormalizer(),
        rules: [
            MigrationRule("skillsOffered", """
                flat array of skill names: from skillsOffered when present and not null (a TradeSkill object gives \
                its name, a string element is kept), else from offeredSkills, else empty; order kept, duplicates \
                (same UTF-8 bytes) dropped
                """),
            MigrationRule("skillsWanted", "as skillsOffered, from skillsWanted else requestedSkills"),
            MigrationRule("skillsOfferedDetail", "the original skillsOffered array, byte-identical, written only when it held objects"),
            MigrationRule("skillsWantedDetail", "the original skillsWanted array, byte-identical, written only when it held objects"),
            MigrationRule("participants", """
                map {creator, participant}: creator from participants.creator or creatorId (strings); participant from \
                participants.participant or participantId; when the map exists only missing keys are set; \
                participant omitted, never null (a null participant is removed)
                """),
            MigrationRule("createdAt", "a timestamp stays; an ISO-8601 date-time string with a time zone becomes a timestamp"),
            MigrationRule("createdAtLegacy", "the ISO-8601 string createdAt held, verbatim"),
            MigrationRule("legacy", "offeredSkills, requestedSkills, creatorId, participantId never change"),
            MigrationRule("anomaly", """
                creatorMissing, creatorConflict, participantsNotMap, participantIdNotString, participantNotString, \
                skillsNotArray, skillWithoutName, createdAtMissing (missing or null), createdAtUnparseable, \
                createdAtNotTimestamp, schemaVersionNewer, schemaVersionInvalid
                """),
        ]
    )

    public static let conversations = Migration(
        id: "2026-11-conversations-v2",
        version: 1,
        description: "Conversations: sorted participantIds, updatedAt always present",
        normalizer: ConversationNormalizer(),
        rules: [
            MigrationRule("participantIds", """
                ids from participants ({id, name} objects or id strings), sorted by UTF-8 bytes, duplicates dropped
                """),
            MigrationRule("updatedAt", """
                when missing or null: lastMessageAt, else createdAt (a timestamp, or an ISO-8601 string converted)
                """),
            MigrationRule("legacy", "participants never changes"),
            MigrationRule("anomaly", """
                participantsMissing (missing, null or empty), participantsNotArray, participantWithoutId, \
                updatedAtUnderivable, schemaVersionNewer, schemaVersionInvalid
                """),
        ]
    )

    public static let notifications = Migration(
        id: "2026-11-notifications-v2",
        version: 1,
        description: "Notifications: read defaults to false, createdAt as a timestamp",
        normalizer: NotificationNormalizer(),
        rules: [
            MigrationRule("read", "false when missing or null"),
            MigrationRule("createdAt", "a timestamp stays; an ISO-8601 date-time string with a time zone becomes a timestamp"),
            MigrationRule("createdAtLegacy", "the ISO-8601 string createdAt held, verbatim"),
            MigrationRule("anomaly", """
                userIdMissing (missing, empty or not a string), readNotBoolean, createdAtMissing, createdAtUnparseable, \
                createdAtNotTimestamp, schemaVersionNewer, schemaVersionInvalid
                """),
        ]
    )

    /// The three migrations in run order.
    public static var migrations: [Migration] { [trades, conversations, notifications] }

    /// The plan a TradeYa v2 run executes.
    public static func plan() -> MigrationPlan {
        // Ids are distinct literals above, so this cannot fail.
        do { return try MigrationPlan(migrations) } catch { preconditionFailure("\(error)") }
    }

    /// The normalizer (read path) for a collection of TradeYa v2, or `nil`.
    public static func normalizer(for collection: String) -> (any DocumentNormalizer)? {
        switch collection {
        case "trades": TradeNormalizer()
        case "conversations": ConversationNormalizer()
        case "notifications": NotificationNormalizer()
        default: nil
        }
    }
}
