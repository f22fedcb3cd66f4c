import Foundation

/// One run of an operation as the journal records it (execute or rollback).
public struct RunRecord: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable { case execute, rollback }
    public enum Status: String, Sendable, Codable {
        case running, completed, failed, aborted
        /// An execute run whose every write was undone by a later rollback run.
        case rolledBack = "rolled-back"
    }

    public var id: String
    public var kind: Kind
    public var environment: String
    public var projectID: String
    public var planChecksum: String
    public var migrationIDs: [String]
    public var status: Status
    public var startedAt: Date
    public var finishedAt: Date?
    public var who: String
    /// For a rollback run, the execute run it undoes.
    public var undoes: String?
    public var counts: RunCounts
    public var error: String?
    /// Documents in the plan's collections when the run started (a count aggregation).
    public var totalAtStart: Int?

    public init(id: String, kind: Kind, environment: String, projectID: String, planChecksum: String,
                migrationIDs: [String], who: String, startedAt: Date = Date(), undoes: String? = nil) {
        self.id = id
        self.kind = kind
        self.environment = environment
        self.projectID = projectID
        self.planChecksum = planChecksum
        self.migrationIDs = migrationIDs
        self.status = .running
        self.startedAt = startedAt
        self.who = who
        self.undoes = undoes
        self.counts = RunCounts()
    }
}

/// The counts a run reports and the registry keeps.
public struct RunCounts: Sendable, Codable, Equatable {
    public var processed = 0
    public var migrated = 0
    public var skipped = 0
    public var conflicts = 0
    public var failed = 0
    public var anomalies = 0
    /// Rollback only: documents given their exact before-image back.
    public var restored = 0
    /// Rollback only: documents the application changed since, where only the migration's own fields were undone.
    public var merged = 0
    public init() {}
}

/// The before-image of one document write, stored before the write is sent.
///
/// Values are kept as the exact REST JSON text Firestore uses for a `Value`, so that a restore
/// writes back byte-identical data whatever the client's in-memory representation is.
public struct JournalEntry: Sendable, Codable, Equatable {
    public enum State: String, Sendable, Codable {
        /// Journaled, the write is on its way; not yet acknowledged.
        case pending
        /// Firestore acknowledged the write; `writtenUpdateTime` is the updateTime it produced.
        case applied
        /// The write was not applied (a conflict beyond the retry bound, or an error).
        case failed
        /// Rollback put the before-image back.
        case restored
        /// Rollback found application changes and removed only what the migration added.
        case merged
    }

    /// Full document name, `projects/…/documents/trades/abc`.
    public var document: String
    public var migrationID: String
    /// The update mask of the write: every field path it touched.
    public var fields: [String]
    /// Field path → REST JSON of the value before the write; a path missing here was absent.
    public var before: [String: String]
    /// Field path → REST JSON of the value written; server-timestamp fields are listed separately.
    public var after: [String: String]
    public var serverTimestampFields: [String]
    /// The document's updateTime when it was read (the write's precondition).
    public var readUpdateTime: String
    /// The updateTime the write produced; nil while pending, or when a resumed run found the
    /// write landed but never saw its acknowledgement (rollback then treats it as changed since).
    public var writtenUpdateTime: String?
    public var state: State

    public init(document: String, migrationID: String, fields: [String], before: [String: String],
                after: [String: String], serverTimestampFields: [String], readUpdateTime: String) {
        self.document = document
        self.migrationID = migrationID
        self.fields = fields
        self.before = before
        self.after = after
        self.serverTimestampFields = serverTimestampFields
        self.readUpdateTime = readUpdateTime
        self.writtenUpdateTime = nil
        self.state = .pending
    }
}
