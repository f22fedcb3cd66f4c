import Firestore

/// The part of the Firestore Admin API the index pipeline needs, in the index file's own terms.
///
/// `AdminClient` (the Firestore module's Admin API client) conforms; the protocol keeps the
/// pipeline's logic independent of the wire types and lets the console wrap the client (audit,
/// rate limits) without touching the pipeline.
public protocol IndexAdminAPI: Sendable {
    /// The database, for messages and evidence: `projects/tradeya-staging/databases/(default)`.
    var databaseName: String { get }
    /// Every composite index of one collection group (`-`: all groups), with its state.
    func deployedIndexes(collectionGroup: String) async throws(FirestoreError) -> [DeployedIndex]
    /// Starts building an index. An index that already exists fails with `ALREADY_EXISTS`.
    func startBuilding(_ index: CompositeIndex) async throws(FirestoreError) -> IndexBuildOperation
    func deleteDeployedIndex(name: String) async throws(FirestoreError)
    /// The database's long-running operations (index builds among them), for build progress.
    func indexBuildOperations() async throws(FirestoreError) -> [IndexBuildOperation]
    /// Every field whose indexing is overridden or that has a TTL policy, in all collection groups
    /// (the database-wide default left out).
    func deployedFieldOverrides() async throws(FirestoreError) -> [DeployedFieldOverride]
    /// Sets a field's single-field indexes as the file says (and its TTL policy when the file sets
    /// `ttl`); returns the field update that applies it.
    func applyFieldOverride(_ override: FieldOverride) async throws(FirestoreError) -> FieldOverrideOperation
    /// Removes a field's index override (by its resource name): it goes back to the ancestor's
    /// indexes. A TTL policy stays.
    func resetFieldOverride(name: String) async throws(FirestoreError) -> FieldOverrideOperation
    /// The database's field updates, running and finished.
    func fieldOverrideOperations() async throws(FirestoreError) -> [FieldOverrideOperation]
}

/// An index as the Admin API reports it.
public struct DeployedIndex: Sendable, Equatable {
    /// Firestore's state names.
    public enum State: String, Sendable, Codable {
        case creating = "CREATING"
        case ready = "READY"
        case needsRepair = "NEEDS_REPAIR"
        case unknown = "STATE_UNSPECIFIED"
    }

    /// `projects/p/databases/d/collectionGroups/g/indexes/ID`.
    public var name: String
    public var index: CompositeIndex
    public var state: State

    public init(name: String, index: CompositeIndex, state: State) {
        self.name = name
        self.index = index
        self.state = state
    }
}

/// An index build as a long-running operation reports it (`IndexOperationMetadata`).
public struct IndexBuildOperation: Sendable, Equatable {
    public var name: String
    /// The index being built, when the operation is an index build.
    public var indexName: String?
    public var done: Bool
    /// `INITIALIZING`, `PROCESSING`, `SUCCESSFUL`, `FAILED`, `CANCELLED`, … as reported.
    public var state: String?
    public var completedDocuments: Int64?
    public var estimatedDocuments: Int64?
    /// The operation's error message once it failed.
    public var errorMessage: String?

    public init(
        name: String, indexName: String?, done: Bool, state: String? = nil, completedDocuments: Int64? = nil,
        estimatedDocuments: Int64? = nil, errorMessage: String? = nil
    ) {
        self.name = name
        self.indexName = indexName
        self.done = done
        self.state = state
        self.completedDocuments = completedDocuments
        self.estimatedDocuments = estimatedDocuments
        self.errorMessage = errorMessage
    }

    /// Documents processed as a percentage, when the service estimates the work.
    public var percent: Int? { progressPercent(completed: completedDocuments, estimated: estimatedDocuments) }
}

/// An operation's progress in documents as a percentage (at most 100), when the service estimates it.
func progressPercent(completed: Int64?, estimated: Int64?) -> Int? {
    guard let completed, let estimated, estimated > 0 else { return nil }
    return Int(min(100, completed * 100 / estimated))
}
