import Foundation

/// What the Admin API says about a database (`GET projects/P/databases/D`), as far as backups
/// care: whether point-in-time recovery is on and how far back versions are kept.
public struct DatabaseMetadata: Sendable {
    public var name: String
    public var locationID: String?
    /// `FIRESTORE_NATIVE` or `DATASTORE_MODE`.
    public var type: String?
    /// `POINT_IN_TIME_RECOVERY_ENABLED` means versions are kept 7 days; otherwise 1 hour.
    public var pointInTimeRecoveryEnabled: Bool
    /// How long old versions stay readable (`versionRetentionPeriod`, e.g. `3600s`).
    public var versionRetention: TimeInterval?
    /// The oldest moment a read at `readTime` can still see.
    public var earliestVersionTime: Timestamp?
    public var deleteProtectionEnabled: Bool
    /// The whole resource, for fields not decoded here.
    public var raw: JSON

    public init(json: JSON) throws(AdminDecodingError) {
        guard let name = json["name"]?.stringValue else { throw AdminDecodingError("Database without a name") }
        self.name = name
        locationID = json["locationId"]?.stringValue
        type = json["type"]?.stringValue
        pointInTimeRecoveryEnabled = json["pointInTimeRecoveryEnablement"]?.stringValue == "POINT_IN_TIME_RECOVERY_ENABLED"
        versionRetention = json["versionRetentionPeriod"]?.stringValue.flatMap(Self.duration)
        earliestVersionTime = json["earliestVersionTime"]?.stringValue.flatMap { try? Timestamp(rfc3339: $0) }
        deleteProtectionEnabled = json["deleteProtectionState"]?.stringValue == "DELETE_PROTECTION_ENABLED"
        raw = json
    }

    /// A protobuf Duration in JSON form: `"3600s"`, `"1.5s"`.
    static func duration(_ text: String) -> TimeInterval? {
        guard text.hasSuffix("s") else { return nil }
        return TimeInterval(text.dropLast())
    }
}
