import Foundation

/// What a finished backup holds, written last as `manifest.json`.
///
/// A directory without a manifest is not a backup. Every figure in it (counts, sizes, checksums) is
/// re-derived from the files by `verify`, so the manifest is a claim to check, never a truth.
public struct BackupManifest: Codable, Sendable, Equatable {
    /// Bumped when the on-disk layout changes incompatibly; readers refuse versions they don't know.
    public static let currentFormatVersion = 1

    public var formatVersion: Int
    public var id: String
    /// Environment name the backup was taken from (`staging`, `production`, …).
    public var environment: String
    public var project: String
    public var database: String
    /// The one snapshot time every document was read at, RFC 3339 with up to nanosecond digits.
    public var readTime: String
    /// True when each collection's whole tree was stored: subcollections at any depth, each
    /// document followed by those below it (also below documents that do not exist).
    public var includesSubcollections: Bool
    public var collections: [CollectionEntry]
    public var toolVersion: String
    public var createdAt: String
    public var createdBy: String
    /// Firestore's managed export, when one was triggered alongside this backup.
    public var managedExport: ManagedExportRecord?

    /// One root collection: one gzip JSON-lines file.
    public struct CollectionEntry: Codable, Sendable, Equatable {
        /// Root collection ID, e.g. `trades`.
        public var collection: String
        /// File name inside the backup directory.
        public var file: String
        /// Lines in the file: the collection's documents plus, with subcollections, theirs.
        public var documentCount: Int
        /// Documents per parent collection path relative to the database root, e.g.
        /// `trades` and `trades/t1/messages`. Verify counts each of these at `readTime`.
        public var countsByParent: [String: Int]
        /// Size of the compressed file in bytes.
        public var byteSize: Int64
        /// SHA-256 of the compressed file, lowercase hex.
        public var sha256: String

        public init(collection: String, file: String, documentCount: Int, countsByParent: [String: Int],
                    byteSize: Int64, sha256: String) {
            self.collection = collection
            self.file = file
            self.documentCount = documentCount
            self.countsByParent = countsByParent
            self.byteSize = byteSize
            self.sha256 = sha256
        }
    }

    public init(id: String, environment: String, project: String, database: String, readTime: String,
                includesSubcollections: Bool, collections: [CollectionEntry], toolVersion: String,
                createdAt: String, createdBy: String, managedExport: ManagedExportRecord? = nil) {
        self.formatVersion = Self.currentFormatVersion
        self.id = id
        self.environment = environment
        self.project = project
        self.database = database
        self.readTime = readTime
        self.includesSubcollections = includesSubcollections
        self.collections = collections
        self.toolVersion = toolVersion
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.managedExport = managedExport
    }

    /// Documents across all collections.
    public var totalDocuments: Int { collections.reduce(0) { $0 + $1.documentCount } }
    /// Compressed bytes across all collection files.
    public var totalBytes: Int64 { collections.reduce(0) { $0 + $1.byteSize } }
}

/// The managed export that accompanied a backup (production projects, optional).
public struct ManagedExportRecord: Codable, Sendable, Equatable {
    /// Where Firestore wrote the export, e.g. `gs://bucket/prefix`.
    public var outputUriPrefix: String
    /// The long-running operation's name, to look it up in the console or with gcloud.
    public var operation: String
    /// Final state of the operation, e.g. `SUCCESSFUL`.
    public var state: String

    public init(outputUriPrefix: String, operation: String, state: String) {
        self.outputUriPrefix = outputUriPrefix
        self.operation = operation
        self.state = state
    }
}

extension BackupManifest {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Encodes as the pretty, key-sorted JSON kept on disk (stable bytes for the same manifest).
    public func jsonData() throws -> Data { try Self.encoder().encode(self) }

    /// Decodes a manifest, naming the file and the problem when it is not one this tool can read.
    public static func load(from url: URL) throws -> BackupManifest {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw BackupError.manifestUnreadable(path: url.path, reason: "cannot read the file: \(error.localizedDescription)")
        }
        let manifest: BackupManifest
        do {
            manifest = try JSONDecoder().decode(BackupManifest.self, from: data)
        } catch {
            throw BackupError.manifestUnreadable(path: url.path, reason: "not a valid manifest: \(describe(error))")
        }
        guard manifest.formatVersion == currentFormatVersion else {
            throw BackupError.manifestUnreadable(
                path: url.path,
                reason: "format version \(manifest.formatVersion) is not supported (this tool reads \(currentFormatVersion)); use the runbook version that wrote it")
        }
        return manifest
    }
}

/// A short reason for a decoding error, with the coding path, instead of Foundation's long dump.
func describe(_ error: Error) -> String {
    guard let decoding = error as? DecodingError else { return String(describing: error) }
    func path(_ context: DecodingError.Context) -> String {
        let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
        return keys.isEmpty ? "" : " at \(keys.joined(separator: "."))"
    }
    switch decoding {
    case .keyNotFound(let key, let context): return "missing key '\(key.stringValue)'\(path(context))"
    case .typeMismatch(_, let context): return "wrong type\(path(context)): \(context.debugDescription)"
    case .valueNotFound(_, let context): return "missing value\(path(context))"
    case .dataCorrupted(let context): return "\(context.debugDescription)\(path(context))"
    @unknown default: return String(describing: error)
    }
}
