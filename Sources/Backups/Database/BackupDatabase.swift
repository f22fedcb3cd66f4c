import Firestore

/// The Firestore reads a snapshot and a verification make, and nothing else.
///
/// Narrow on purpose: `create` and `verify` are handed a reader that cannot write, and the
/// adapter over `FirestoreReading` is the only place that knows the client's request shapes.
public protocol SnapshotReader: Sendable {
    /// `projects/{project}/databases/{database}`.
    var databaseRoot: String { get }
    /// A server time usable as a snapshot `readTime` (in the past, microsecond precision).
    func recentReadTime() async throws -> Timestamp
    /// Collection IDs under a document (path relative to the root, e.g. `trades/t1`), or the root
    /// collections when `parent` is nil, as of `readTime`.
    func collectionIDs(under parent: String?, readTime: Timestamp) async throws -> [String]
    /// Every document of one collection (path relative to the root, e.g. `trades/t1/messages`) as
    /// of `readTime`, in `__name__` order, a page at a time.
    func forEachPage(collection path: String, readTime: Timestamp, pageSize: Int,
                     _ body: ([Document]) async throws -> Void) async throws
    /// Every document of a root collection and, at any depth, of the collections below it (also
    /// below documents that do not exist) as of `readTime`, in `__name__` order, a page at a time.
    ///
    /// One query for the whole tree, where walking it costs a `listCollectionIds` call per document.
    func forEachPage(subtree collection: String, readTime: Timestamp, pageSize: Int,
                     _ body: ([Document]) async throws -> Void) async throws
    /// A count aggregation over one collection, at `readTime` or live when nil.
    func count(collection path: String, readTime: Timestamp?) async throws -> Int
}

/// The calls a restore makes against its target database.
public protocol RestoreWriter: Sendable {
    /// `projects/{project}/databases/{database}` of the target.
    var databaseRoot: String { get }
    /// The live documents among `names` (full resource names); missing ones are absent.
    func currentDocuments(names: [String]) async throws -> [String: Document]
    /// Writes each document's full field set (or deletes it) under its precondition (one
    /// non-atomic batch), and returns one outcome per write, in order.
    func write(_ writes: [RestoreWrite]) async throws -> [RestoreWriteOutcome]
    /// Names and `updateTime`s (no fields) of the live documents of a root collection, with
    /// `subtree` also of everything below it, in `__name__` order at one read time, a page at a time.
    ///
    /// How a restore finds the documents the backup does not have.
    func forEachLivePage(collection: String, subtree: Bool, pageSize: Int,
                         _ body: ([Document]) async throws -> Void) async throws
}

/// One document to put back (or, for an extra, to delete), and what must hold for the write to go through.
public struct RestoreWrite: Sendable {
    public enum Precondition: Sendable, Equatable {
        /// Only create: a document that appeared since it was read is left alone.
        case mustNotExist
        /// Only replace (or delete) the exact version that was read and compared.
        case updateTime(Timestamp)
    }

    public enum Kind: Sendable, Equatable {
        /// Set the document to exactly `document.fields`.
        case put
        /// Delete the document named `document.name` (its fields are ignored).
        case delete
    }

    public var document: Document
    public var precondition: Precondition
    public var kind: Kind

    public init(document: Document, precondition: Precondition, kind: Kind = .put) {
        self.document = document
        self.precondition = precondition
        self.kind = kind
    }
}

/// Firestore's answer for one write of a batch.
public struct RestoreWriteOutcome: Sendable, Equatable {
    /// nil when the write succeeded; else the gRPC status name and message.
    public var error: String?

    public init(error: String?) { self.error = error }
}
