import Firestore
import Foundation

/// Whether an environment's indexes are built: the evidence the "indexes built" gate reads.
///
/// A stored value, so it is `Codable`; it says which database was checked, when, and the state of
/// every index, so a reviewer can see why a gate opened.
public struct IndexVerification: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable {
        /// Every index of the file is READY.
        case ready
        /// Some index is missing, building or broken.
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

    public var environment: String
    public var database: String
    /// RFC 3339, UTC.
    public var checkedAt: String
    public var status: Status
    public var indexes: [Item]
    public var message: String

    public init(environment: String, database: String, checkedAt: String = Timestamp(Date()).rfc3339,
                status: Status, indexes: [Item], message: String) {
        self.environment = environment
        self.database = database
        self.checkedAt = checkedAt
        self.status = status
        self.indexes = indexes
        self.message = message
    }

    init(environment: String, database: String, diff: IndexDiff) {
        let items = diff.entries.map { Item(index: $0.index.summary, status: $0.status, name: $0.deployed?.name) }
        let ready = diff.allReady
        self.init(environment: environment, database: database, status: ready ? .ready : .notReady, indexes: items,
                  message: ready ? "all \(diff.entries(.ready).count) indexes READY" : diff.counts)
    }

    /// The result for an emulator: nothing to build, said plainly.
    public static func notApplicable(environment: String, database: String) -> IndexVerification {
        IndexVerification(environment: environment, database: database, status: .notApplicable, indexes: [],
                          message: "the emulator has no index API and serves every query without composite indexes: the build step does not apply")
    }
}
