/// Machine-readable forms of the index operations' results: what `--json` prints and what the
/// console stores. Plain `Codable` values with stable key names.

/// `indexes check` as one object.
public struct IndexCheckReport: Sendable, Codable, Equatable {
    public struct Issue: Sendable, Codable, Equatable {
        public var file: String
        public var line: Int
        public var column: Int
        public var subject: String
        public var rule: String
        public var reason: String
    }

    public struct Query: Sendable, Codable, Equatable {
        public var name: String
        public var query: String
        /// `served`, `missing_index` or `rejected`.
        public var verdict: String
        /// What serves it (`index #1`, `automatic single-field status ASC`).
        public var servedBy: [String]
        /// The index to add, as a `firestore.indexes.json` entry, when one is missing.
        public var suggestedIndex: String?
        public var closest: String?
        public var reasons: [String]
        public var warnings: [String]
    }

    /// `ok`, `gaps` or `brokenFile`.
    public var outcome: String
    public var fileErrors: [Issue]
    public var queries: [Query]
    public var missingExemptions: [String]
    public var unusedIndexes: [String]

    public init(_ result: IndexCheckResult) {
        outcome = result.outcome.rawValue
        fileErrors = result.fileErrors.map {
            Issue(file: $0.file, line: $0.position.line, column: $0.position.column, subject: $0.subject, rule: $0.rule.rawValue, reason: $0.reason)
        }
        queries = (result.coverage?.results ?? []).map { coverage in
            var query = Query(name: coverage.query.name, query: coverage.query.summary, verdict: "served", servedBy: [],
                              suggestedIndex: nil, closest: nil, reasons: [], warnings: coverage.warnings)
            switch coverage.verdict {
            case .served(let sources): query.servedBy = sources.map(\.description)
            case .missingIndex(let suggested, let closest):
                query.verdict = "missing_index"
                query.suggestedIndex = suggested.fileEntry
                query.closest = closest
            case .rejected(let reasons):
                query.verdict = "rejected"
                query.reasons = reasons
            }
            return query
        }
        missingExemptions = result.missingExemptions
        if let file = result.indexFile, let coverage = result.coverage {
            unusedIndexes = coverage.unusedIndexes(in: file.file).map { file.reference(toIndexAt: $0) }
        } else {
            unusedIndexes = []
        }
    }
}

/// `indexes diff` as one object.
public struct IndexDiffReport: Sendable, Codable, Equatable {
    public struct Entry: Sendable, Codable, Equatable {
        public var index: String
        public var status: IndexDiff.Status
        public var name: String?
        /// `unrecognised field kind` for an extra index this tool cannot read fully.
        public var note: String?
    }

    public struct OverrideEntry: Sendable, Codable, Equatable {
        /// `trades.migratedAt (not indexed)`.
        public var field: String
        public var status: FieldOverrideDiff.Status
        public var name: String?
        /// What differs from the file (`differs`), one line each.
        public var differences: [String]
        /// The field update still running, and what it changes (`applying`).
        public var operation: String?
        public var changes: [String]
        public var note: String?
    }

    public var environment: String
    public var database: String
    /// False for an emulator environment: there is nothing deployed to compare with.
    public var applicable: Bool
    public var entries: [Entry]
    public var fieldOverrides: [OverrideEntry]
    public var counts: String

    public init(environment: String, database: String, diff: IndexDiff?) {
        self.environment = environment
        self.database = database
        applicable = diff != nil
        entries = diff?.entries.map { Entry(index: $0.index.summary, status: $0.status, name: $0.deployed?.name, note: $0.note) } ?? []
        fieldOverrides = diff?.fieldOverrides.entries.map {
            OverrideEntry(field: $0.override.summary, status: $0.status, name: $0.deployed?.name, differences: $0.differences,
                          operation: $0.operation?.name, changes: $0.operation?.changes ?? [], note: $0.note)
        } ?? []
        counts = diff?.counts ?? "not applicable: the emulator has no index API"
    }
}

/// `indexes deploy` over one or more environments as one object.
public struct IndexRolloutReport: Sendable, Codable, Equatable {
    public var succeeded: Bool
    public var stages: [IndexRollout.Stage]

    public init(stages: [IndexRollout.Stage]) {
        self.stages = stages
        succeeded = stages.allSatisfy(\.succeeded)
    }
}
