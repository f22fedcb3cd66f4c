import Firestore
import Foundation

/// Whether an environment's indexes are built: the evidence the "indexes built" gate reads.
///
/// A stored value, so it is `Codable`; it says which database was checked, when, and the state of
/// every index, so a reviewer can see why a gate opened.
public struct IndexVerification: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable {
        /// Every index of the file is READY and every field override applied.
        case ready
        /// Some index is missing, building or broken, or some field override not applied.
        case notReady = "not_ready"
        /// The environment has no index API (an emulator) and needs no composite indexes.
        case notApplicable = "not_applicable"
    }

    public struct Item: Sendable, Codable, Equatable {
        public var index: String
        public var status: IndexDiff.Status
        /// The Admin API's resource name, when deployed.
        public var name: String?
    }

    /// One field override's state.
    public struct OverrideItem: Sendable, Codable, Equatable {
        /// `trades.migratedAt (not indexed)`.
        public var field: String
        public var status: FieldOverrideDiff.Status
        /// The Admin API's resource name, when the field is overridden.
        public var name: String?
        /// What differs from the file, when it does.
        public var differences: [String]
        public var note: String?
    }

    public var environment: String
    public var database: String
    /// RFC 3339, UTC.
    public var checkedAt: String
    public var status: Status
    public var indexes: [Item]
    public var fieldOverrides: [OverrideItem]
    public var message: String

    public init(environment: String, database: String, checkedAt: String = Timestamp(Date()).rfc3339,
                status: Status, indexes: [Item], fieldOverrides: [OverrideItem] = [], message: String) {
        self.environment = environment
        self.database = database
        self.checkedAt = checkedAt
        self.status = status
        self.indexes = indexes
        self.fieldOverrides = fieldOverrides
        self.message = message
    }

    /// Evidence stored before field overrides were verified decodes with none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        environment = try container.decode(String.self, forKey: .environment)
        database = try container.decode(String.self, forKey: .database)
        checkedAt = try container.decode(String.self, forKey: .checkedAt)
        status = try container.decode(Status.self, forKey: .status)
        indexes = try container.decode([Item].self, forKey: .indexes)
        fieldOverrides = try container.decodeIfPresent([OverrideItem].self, forKey: .fieldOverrides) ?? []
        message = try container.decode(String.self, forKey: .message)
    }

    init(environment: String, database: String, diff: IndexDiff) {
        let items = diff.entries.map { Item(index: $0.index.summary, status: $0.status, name: $0.deployed?.name) }
        let overrides = diff.fieldOverrides.entries.map {
            OverrideItem(field: $0.override.summary, status: $0.status, name: $0.deployed?.name, differences: $0.differences, note: $0.note)
        }
        let ready = diff.allReady
        let applied = diff.fieldOverrides.entries(.applied).count
        let message = "all \(diff.entries(.ready).count) indexes READY" + (applied == 0 ? "" : " and \(applied) field overrides applied")
        self.init(environment: environment, database: database, status: ready ? .ready : .notReady, indexes: items,
                  fieldOverrides: overrides, message: ready ? message : diff.counts)
    }

    /// The result for an emulator: nothing to build, said plainly.
    public static func notApplicable(environment: String, database: String) -> IndexVerification {
        IndexVerification(environment: environment, database: database, status: .notApplicable, indexes: [],
                          message: "the emulator has no index API (composite indexes, field overrides) and serves every query without composite indexes: the build step does not apply")
    }
}
