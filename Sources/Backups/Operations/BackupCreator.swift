import Firestore
import Foundation

/// Takes a consistent snapshot of some collections into a new backup directory.
///
/// Every read uses one `readTime`, so writes that land while the backup runs are not in it and
/// the files are the database exactly as of that instant. Only one page of documents is held in
/// memory at a time, whatever the collection's size.
public struct BackupCreator: Sendable {
    public struct Options: Sendable {
        /// Environment name, for the directory and the manifest.
        public var environment: String
        /// Root collections to back up; nil for every root collection at the readTime.
        public var collections: [String]?
        public var includeSubcollections = false
        public var pageSize = 500
        public var toolVersion: String
        public var createdBy: String
        /// Fixed ID, else a new sortable one.
        public var id: String?
        /// Also run Firestore's managed export to this bucket, recorded in the manifest.
        public var managedExport: (exporter: ManagedExporter, outputUriPrefix: String)?
        /// Called after each page is written with the collection and its documents so far; throwing
        /// aborts the backup. Lets tests inject a failure at a chosen point.
        public var afterPage: (@Sendable (_ collection: String, _ documents: Int) throws -> Void)?

        public init(environment: String, collections: [String]? = nil, includeSubcollections: Bool = false,
                    toolVersion: String, createdBy: String) {
            self.environment = environment
            self.collections = collections
            self.includeSubcollections = includeSubcollections
            self.toolVersion = toolVersion
            self.createdBy = createdBy
        }
    }

    public let store: BackupStore
    public let reader: any SnapshotReader

    public init(store: BackupStore, reader: any SnapshotReader) {
        self.store = store
        self.reader = reader
    }

    /// Writes the backup and returns its manifest once the directory is renamed into place.
    public func create(_ options: Options, events: AsyncStream<BackupEvent>.Continuation? = nil) async throws -> BackupManifest {
        let id = options.id ?? BackupStore.newID()
        try BackupStore.validate(id: id)
        guard options.pageSize > 0, options.pageSize <= 10_000 else {
            throw BackupError.invalidArgument("page size \(options.pageSize) is out of range; use 1 to 10000")
        }
        if let (exporter, uri) = options.managedExport {
            try exporter.validate(outputUriPrefix: uri)
        }
        let readTime = try await reader.recentReadTime()
        let collections: [String]
        if let requested = options.collections {
            for collection in requested { try Self.validate(collection: collection) }
            collections = requested
        } else {
            collections = try await reader.collectionIDs(under: nil, readTime: readTime).sorted()
        }
        guard Set(collections).count == collections.count else {
            throw BackupError.invalidArgument("a collection is listed twice in \(collections.joined(separator: ",")); name each once")
        }
        events?.yield(.snapshotStarted(backupID: id, readTime: readTime.rfc3339, collections: collections))

        let partial = store.partialDirectory(environment: options.environment, id: id)
        let final = store.directory(environment: options.environment, id: id)
        try prepare(partial: partial, final: final)
        do {
            var entries: [BackupManifest.CollectionEntry] = []
            for collection in collections {
                entries.append(try await backUp(collection: collection, into: partial, readTime: readTime,
                                                options: options, events: events))
            }
            var exportRecord: ManagedExportRecord?
            if let (exporter, uri) = options.managedExport {
                exportRecord = try await exporter.export(collections: options.collections ?? [], to: uri, events: events)
            }
            let parts = reader.databaseRoot.split(separator: "/")
            let manifest = BackupManifest(
                id: id, environment: options.environment,
                project: parts.count >= 2 ? String(parts[1]) : reader.databaseRoot,
                database: parts.count >= 4 ? String(parts[3]) : "(default)",
                readTime: readTime.rfc3339, includesSubcollections: options.includeSubcollections,
                collections: entries, toolVersion: options.toolVersion,
                createdAt: Timestamp.now().rfc3339, createdBy: options.createdBy, managedExport: exportRecord)
            try commit(manifest: manifest, partial: partial, final: final)
            events?.yield(.backupCompleted(backupID: id, documents: manifest.totalDocuments, bytes: manifest.totalBytes))
            return manifest
        } catch {
            // An orderly failure removes its own leftovers; a crash leaves only a hidden `.partial-` directory.
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
    }

    /// Collection IDs are one path segment; Firestore reserves `__…__` and `.`/`..`.
    static func validate(collection: String) throws {
        if collection.isEmpty || collection.contains("/") || collection == "." || collection == ".."
            || (collection.hasPrefix("__") && collection.hasSuffix("__")) || collection.utf8.count > 1500 {
            throw BackupError.invalidArgument(
                "'\(collection)' is not a root collection ID: give IDs without '/', e.g. --collections trades,conversations")
        }
    }

    private func prepare(partial: URL, final: URL) throws {
        let manager = FileManager.default
        guard !manager.fileExists(atPath: final.path), !manager.fileExists(atPath: partial.path) else {
            throw BackupError.invalidArgument("backup directory \(final.path) already exists; choose another ID")
        }
        do {
            try manager.createDirectory(at: partial, withIntermediateDirectories: true)
        } catch {
            throw BackupError.io(path: partial.path, reason: "cannot create the backup directory: \(error.localizedDescription)")
        }
    }

    private func backUp(collection: String, into directory: URL, readTime: Timestamp, options: Options,
                        events: AsyncStream<BackupEvent>.Continuation?) async throws -> BackupManifest.CollectionEntry {
        events?.yield(.collectionStarted(collection: collection))
        let fileName = BackupStore.fileName(forCollection: collection)
        let writer = try CollectionFileWriter(url: directory.appendingPathComponent(fileName))
        var countsByParent: [String: Int] = [collection: 0]
        try await walk(collection: collection, root: collection, readTime: readTime, options: options,
                       writer: writer, countsByParent: &countsByParent, events: events)
        let (byteSize, sha256) = try writer.finish()
        events?.yield(.collectionFinished(collection: collection, documents: writer.lineCount, bytes: byteSize, sha256: sha256))
        return BackupManifest.CollectionEntry(collection: collection, file: fileName, documentCount: writer.lineCount,
                                              countsByParent: countsByParent, byteSize: byteSize, sha256: sha256)
    }

    /// Writes a collection's documents, each followed (depth first) by its subcollections when asked.
    private func walk(collection path: String, root: String, readTime: Timestamp, options: Options,
                      writer: CollectionFileWriter, countsByParent: inout [String: Int],
                      events: AsyncStream<BackupEvent>.Continuation?) async throws {
        var counts = countsByParent
        try await reader.forEachPage(collection: path, readTime: readTime, pageSize: options.pageSize) { page in
            for document in page {
                try writer.append(line: Array(document.json.serialized()))
                counts[path, default: 0] += 1
                if options.includeSubcollections {
                    for sub in try await reader.collectionIDs(under: document.path, readTime: readTime).sorted() {
                        try await walk(collection: document.path + "/" + sub, root: root, readTime: readTime,
                                       options: options, writer: writer, countsByParent: &counts, events: events)
                    }
                }
            }
            try writer.drain()
            events?.yield(.documentsWritten(collection: root, documents: writer.lineCount, bytes: writer.uncompressedBytes))
            try options.afterPage?(root, writer.lineCount)
        }
        countsByParent = counts
    }

    /// Manifest last, synced, then the directory renamed into place and its parent synced.
    private func commit(manifest: BackupManifest, partial: URL, final: URL) throws {
        let manifestURL = partial.appendingPathComponent(BackupStore.manifestFileName)
        try writeDurably(try manifest.jsonData(), to: manifestURL)
        try syncDirectory(partial)
        do {
            try FileManager.default.moveItem(at: partial, to: final)
        } catch {
            throw BackupError.io(path: final.path, reason: "cannot rename the finished backup into place: \(error.localizedDescription)")
        }
        try syncDirectory(final.deletingLastPathComponent())
    }
}

/// Writes a small file through a temporary name, synced, then renamed: readers see the old file
/// or the whole new one, never half of it.
func writeDurably(_ data: Data, to url: URL) throws {
    let temporary = url.deletingLastPathComponent().appendingPathComponent("." + url.lastPathComponent + ".tmp")
    try? FileManager.default.removeItem(at: temporary)
    let writer = try RawFile(creating: temporary)
    try writer.write(Array(data))
    try writer.syncAndClose()
    guard rename(temporary.path, url.path) == 0 else {
        throw BackupError.io(path: url.path, reason: "cannot rename \(temporary.lastPathComponent) into place: \(String(cString: strerror(errno)))")
    }
}
