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
    /// A count aggregation over one collection, at `readTime` or live when nil.
    func count(collection path: String, readTime: Timestamp?) async throws -> Int
}

/// The calls a restore makes against its target database.
public protocol RestoreWriter: Sendable {
    /// `projects/{project}/databases/{database}` of the target.
    var databaseRoot: String { get }
    /// The live documents among `names` (full resource names); missing ones are absent.
    func currentDocuments(names: [String]) async throws -> [String: Document]
    /// Writes each document's full field set under its precondition (one non-atomic batch), and
    /// returns one outcome per write, in order.
    func write(_ writes: [RestoreWrite]) async throws -> [RestoreWriteOutcome]
}

/// One document to put back, and what must hold for the write to go through.
public struct RestoreWrite: Sendable {
    public enum Precondition: Sendable, Equatable {
        /// Only create: a document that appeared since it was read is left alone.
        case mustNotExist
        /// Only replace the exact version that was read and compared.
        case updateTime(Timestamp)
    }

    public var document: Document
    public var precondition: Precondition

    public init(document: Document, precondition: Precondition) {
        self.document = document
        self.precondition = precondition
    }
}

/// Firestore's answer for one write of a batch.
public struct RestoreWriteOutcome: Sendable, Equatable {
    /// nil when the write succeeded; else the gRPC status name and message.
    public var error: String?

    public init(error: String?) { self.error = error }
}
