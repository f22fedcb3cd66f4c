import Firestore

/// SCHEMA.md's compatibility layer for `notifications`.
///
/// `read` becomes `false` when missing or null (`where read == false` does not match a document
/// without the field, so unread notifications would disappear); `createdAt` as for trades.
public struct NotificationNormalizer: DocumentNormalizer {
    public let collection: String

    public init(collection: String = "notifications") { self.collection = collection }

    public func normalize(_ fields: [String: Value]) -> Normalized {
        var builder = NormalizationBuilder(fields)
        switch fields["userId"] {
        case .string(let s)? where !s.isEmpty: break
        case nil:
            builder.anomaly("userIdMissing", "userId", "userId is missing: nobody can see this notification; set the recipient by hand")
        case let other?:
            let what = other.stringValue != nil ? "an empty string" : "a \(other.typeName)"
            builder.anomaly("userIdMissing", "userId", "userId is \(what), expected the recipient's id string; set it by hand")
        }
        switch fields["read"] {
        case nil, .null?: builder.set(FieldPaths.read, .boolean(false))
        case .boolean?: break
        case let other?:
            builder.anomaly(
                "readNotBoolean", "read",
                "read is a \(other.typeName), expected a boolean: the unread query would never match it; correct it by hand")
        }
        FieldRules.createdAt(&builder)
        return builder.finish(schemaVersion: SchemaVersionReading(fields["schemaVersion"]), inferredVersion: 1)
    }
}
