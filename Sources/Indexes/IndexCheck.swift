/// `runbook indexes check` as a value: the file's validity, coverage of the critical queries, and
/// the `migratedAt` exemptions SCHEMA.md requires. Needs no network, so it runs for every
/// environment, emulator included.
public struct IndexCheck: Sendable {
    /// The field the migrations write with ever-increasing values in every migrated document.
    public static let defaultExemptField = "migratedAt"
    /// The collections the first migration plan writes (SCHEMA.md).
    public static let defaultMigratedCollections = ["trades", "conversations", "notifications"]

    public var indexFilePath: String
    public var queriesFilePath: String
    public var migratedCollections: [String]
    public var exemptField: String

    public init(
        indexFilePath: String = "firestore.indexes.json", queriesFilePath: String = "critical-queries.json",
        migratedCollections: [String] = IndexCheck.defaultMigratedCollections,
        exemptField: String = IndexCheck.defaultExemptField
    ) {
        self.indexFilePath = indexFilePath
        self.queriesFilePath = queriesFilePath
        self.migratedCollections = migratedCollections
        self.exemptField = exemptField
    }

    /// Runs the check. Broken files are part of the result (`fileErrors`), not thrown, so a caller
    /// can report everything at once.
    public func run() -> IndexCheckResult {
        var result = IndexCheckResult()
        do {
            let loaded = try IndexFile.load(path: indexFilePath)
            result.indexFile = loaded
            result.missingExemptions = Self.missingExemptions(in: loaded.file, collections: migratedCollections, field: exemptField)
        } catch {
            result.fileErrors += error.issues
        }
        do {
            result.queries = try CriticalQueryFile.load(path: queriesFilePath)
        } catch {
            result.fileErrors += error.issues
        }
        if let file = result.indexFile?.file, let queries = result.queries?.queries {
            result.coverage = IndexCoverage(indexFile: file).check(queries)
        }
        return result
    }

    /// Collections lacking a field override that exempts `field` from indexing (`"indexes": []`).
    public static func missingExemptions(in file: IndexFile, collections: [String], field: String) -> [String] {
        collections.filter { collection in
            !file.fieldOverrides.contains { $0.collectionGroup == collection && $0.fieldPath == field && $0.indexes.isEmpty }
        }
    }
}

/// What `IndexCheck` found.
public struct IndexCheckResult: Sendable {
    public var indexFile: LoadedIndexFile?
    public var queries: CriticalQueryFile?
    /// Problems that make a file unusable (exit status 2).
    public var fileErrors: [IndexFileIssue] = []
    public var coverage: CoverageReport?
    /// Migrated collections whose `migratedAt` is still indexed (a coverage-class failure: exit 1).
    public var missingExemptions: [String] = []

    public init() {}

    public enum Outcome: String, Sendable {
        case ok
        /// A query would fail, or an exemption is missing.
        case gaps
        /// A file is broken.
        case brokenFile
    }

    public var outcome: Outcome {
        if !fileErrors.isEmpty { return .brokenFile }
        if !(coverage?.isComplete ?? false) || !missingExemptions.isEmpty { return .gaps }
        return .ok
    }
}
