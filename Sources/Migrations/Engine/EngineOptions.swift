import Foundation

/// How the engine pages, batches and retries; defaults suit the emulator and production alike.
public struct EngineOptions: Sendable {
    /// Documents written per page: each page is journaled in one transaction and moves the
    /// checkpoint once all its writes are settled.
    public var pageSize = 500
    /// Documents per read query (execute, dry-run, validate). Bigger pages mean fewer cursor
    /// restarts, which matters on the emulator: it scans the whole collection for every query, so
    /// a page costs as much as the collection's size (60,000 documents: about 2 s a page).
    /// Memory holds one page (two while the next is read ahead), whatever the collection's size.
    public var readPageSize = 5000
    /// Writes per batchWrite request (Firestore allows 500).
    public var writesPerRequest = 100
    /// batchWrite requests in flight at once.
    public var requestsInFlight = 4
    /// Attempts per document when the application keeps writing it (or a write keeps failing
    /// with a retryable code) before it is reported as failed.
    public var maxAttemptsPerDocument = 5
    /// Minimum seconds between two progress events.
    public var progressInterval = 0.5
    /// At most this many anomalies and failures are listed in a report (all are counted).
    public var reportLimit = 1000
    /// Sample before/after diffs in a dry-run report, per migration.
    public var dryRunSamples = 5
    /// Lease time to live; a heartbeat renews it every third of that.
    public var leaseSeconds: Double = 30
    public var clock: any MigrationClock = SystemClock()

    public init() {}
}

/// A document the engine could not migrate or restore, and why.
public struct DocumentFailure: Sendable, Codable, Equatable {
    public var document: String
    public var reason: String
}

/// An anomaly found on a document, as reports list it.
public struct AnomalyReport: Sendable, Codable, Equatable {
    public var document: String
    public var migrationID: String
    public var field: String
    public var code: String
    public var reason: String
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: Swift.max(1, size)).map { self[$0..<Swift.min(count, $0 + Swift.max(1, size))] }
    }
}
