import Firestore
import Foundation

/// Takes a consistent snapshot of some collections into a new backup directory.
///
/// Every read uses one `readTime`, so writes that land while the backup runs are not in it and
/// the files are the database exactly as of that instant. Several collections are read at once,
/// each into its own file, and only one page per collection in flight is held in memory, whatever
/// the collections' sizes.
public struct BackupCreator: Sendable {
    public struct Options: Sendable {
        /// Environment name, for the directory and the manifest.
        public var environment: String
        /// Root collections to back up; nil for every root collection at the readTime.
        public var collections: [String]?
        public var includeSubcollections = false
        /// Documents per read query. Large pages mean few queries: the emulator scans the whole
        /// collection for each one. Memory holds one page per collection being read.
        public var pageSize = 5000
        /// Root collections read at the same time (each holds one page in memory).
        public var collectionConcurrency = 4
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
        guard (1...32).contains(options.collectionConcurrency) else {
            throw BackupError.invalidArgument("collection concurrency \(options.collectionConcurrency) is out of range; use 1 to 32")
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
            let entries = try await backUp(collections, into: partial, readTime: readTime, options: options, events: events)
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

    /// Reads up to `collectionConcurrency` collections at once; the entries come back in the order asked.
    private func backUp(_ collections: [String], into directory: URL, readTime: Timestamp, options: Options,
                        events: AsyncStream<BackupEvent>.Continuation?) async throws -> [BackupManifest.CollectionEntry] {
        try await withThrowingTaskGroup(of: (Int, BackupManifest.CollectionEntry).self) { group in
            var entries = [BackupManifest.CollectionEntry?](repeating: nil, count: collections.count)
            var next = 0
            func startNext() {
                let index = next, collection = collections[index]
                next += 1
                group.addTask {
                    (index, try await self.backUp(collection: collection, into: directory, readTime: readTime,
                                                  options: options, events: events))
                }
            }
            while next < min(options.collectionConcurrency, collections.count) { startNext() }
            while let (index, entry) = try await group.next() {
                entries[index] = entry
                if next < collections.count { startNext() }
            }
            return entries.compactMap { $0 }
        }
    }

    /// One root collection into its file. With subcollections, one query returns the collection and
    /// everything below it in `__name__` order: each document followed by its subcollections, depth
    /// first, documents under a parent that does not exist included.
    private func backUp(collection: String, into directory: URL, readTime: Timestamp, options: Options,
                        events: AsyncStream<BackupEvent>.Continuation?) async throws -> BackupManifest.CollectionEntry {
        events?.yield(.collectionStarted(collection: collection))
        let fileName = BackupStore.fileName(forCollection: collection)
        let writer = try CollectionFileWriter(url: directory.appendingPathComponent(fileName))
        var countsByParent: [String: Int] = [collection: 0]
        let body: ([Document]) async throws -> Void = { page in
            for document in page {
                try writer.append(line: Array(document.json.serialized()))
                countsByParent[document.collectionPath, default: 0] += 1
            }
            try writer.drain()
            events?.yield(.documentsWritten(collection: collection, documents: writer.lineCount, bytes: writer.uncompressedBytes))
            try options.afterPage?(collection, writer.lineCount)
        }
        if options.includeSubcollections {
            try await reader.forEachPage(subtree: collection, readTime: readTime, pageSize: options.pageSize, body)
        } else {
            try await reader.forEachPage(collection: collection, readTime: readTime, pageSize: options.pageSize, body)
        }
        let (byteSize, sha256) = try writer.finish()
        events?.yield(.collectionFinished(collection: collection, documents: writer.lineCount, bytes: byteSize, sha256: sha256))
        return BackupManifest.CollectionEntry(collection: collection, file: fileName, documentCount: writer.lineCount,
                                              countsByParent: countsByParent, byteSize: byteSize, sha256: sha256)
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
