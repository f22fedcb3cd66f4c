import Firestore
import Foundation

/// What a dry-run found: the evidence the runbook's "dry-run passed" gate is computed from.
public struct DryRunReport: Sendable, Codable, Equatable {
    /// One before/after example of a document the migration would change.
    public struct Sample: Sendable, Codable, Equatable {
        public var document: String
        public var migrationID: String
        /// Touched paths → REST JSON before (absent paths are missing).
        public var before: [String: String]
        /// Touched paths → REST JSON after; server timestamps show as `"<server time>"`.
        public var after: [String: String]
    }

    public struct MigrationCounts: Sendable, Codable, Equatable {
        public var migrationID: String
        public var checksum: String
        public var documents = 0
        public var toMigrate = 0
        public var alreadyV2 = 0
        public var anomalies = 0
    }

    public var planChecksum: String
    public var environment: String
    public var projectID: String
    /// The one snapshot every read was made at.
    public var readTime: String
    public var migrations: [MigrationCounts]
    public var samples: [Sample]
    /// Every anomaly, however many (a dry-run's whole point is to list them).
    public var anomalies: [AnomalyReport]
    /// Seconds the writes would take under the environment's rate limit; nil when unlimited.
    public var estimatedSeconds: Double?
    public var durationSeconds: Double

    public var totalDocuments: Int { migrations.reduce(0) { $0 + $1.documents } }
    public var totalToMigrate: Int { migrations.reduce(0) { $0 + $1.toMigrate } }
}

/// The dry-run: every document's outcome at one consistent snapshot, writing nothing.
///
/// It is handed a ``FirestoreReading``, which has no write methods: a dry-run that writes cannot
/// compile. It takes the snapshot time from a count aggregation and reads every page at that time.
public struct DryRun: Sendable {
    public let reader: any FirestoreReading
    public let options: EngineOptions

    public init(reader: any FirestoreReading, options: EngineOptions = EngineOptions()) {
        self.reader = reader
        self.options = options
    }

    public func run(plan: MigrationPlan, environment: String, rateLimit: RateLimitPolicy,
                    progress: ProgressHandler? = nil) async throws -> DryRunReport {
        let started = options.clock.now()
        // The first count fixes the snapshot; the others are read at it.
        var readTime: Timestamp?
        var total = 0
        for collection in plan.collections {
            let result = try await reader.runAggregationQuery(StructuredQuery(collection: collection), aggregations: [.count()], parent: "", readTime: readTime)
            readTime = readTime ?? result.readTime
            total += Int(result.count() ?? 0)
        }
        guard let snapshot = readTime else {
            throw FirestoreError(code: .internal, message: "the count aggregation returned no readTime", operation: "dry-run", target: reader.projectID)
        }
        var tracker = ProgressTracker(phase: .dryRun, runID: "dry-run", total: total, now: started)
        var report = DryRunReport(planChecksum: plan.checksum, environment: environment, projectID: reader.projectID,
                                  readTime: snapshot.rfc3339, migrations: [], samples: [], anomalies: [],
                                  estimatedSeconds: nil, durationSeconds: 0)
        var lastEmit = -Double.infinity
        for migration in plan.migrations {
            var counts = DryRunReport.MigrationCounts(migrationID: migration.id, checksum: migration.checksum)
            var samples = 0
            for collection in migration.collections {
                var scan = CollectionScan(reader: reader, collection: collection, pageSize: options.readPageSize, after: nil, readTime: snapshot)
                while let page = try await scan.next() {
                    for document in page {
                        counts.documents += 1
                        switch migration.up(document) {
                        case .skipped:
                            counts.alreadyV2 += 1
                        case .anomaly(let anomalies):
                            counts.anomalies += 1
                            report.anomalies += anomalies.map {
                                AnomalyReport(document: document.name, migrationID: migration.id, field: $0.field, code: $0.code, reason: $0.reason)
                            }
                        case .migrate(let change):
                            counts.toMigrate += 1
                            if samples < options.dryRunSamples {
                                samples += 1
                                var after = DocumentImage.after(of: change)
                                for path in change.serverTimestamps { after[path.encoded] = "<server time>" }
                                report.samples.append(.init(document: document.name, migrationID: migration.id,
                                                            before: DocumentImage.before(of: document, paths: change.touchedPaths), after: after))
                            }
                        }
                    }
                    let event = tracker.update(at: options.clock.now()) {
                        $0.processed += page.count
                        $0.skipped = report.migrations.reduce(0) { $0 + $1.alreadyV2 } + counts.alreadyV2
                        $0.anomalies = report.migrations.reduce(0) { $0 + $1.anomalies } + counts.anomalies
                        $0.checkpoint = page.last?.name
                    }
                    if let progress, options.clock.now() - lastEmit >= options.progressInterval {
                        progress(event)
                        lastEmit = options.clock.now()
                    }
                }
            }
            report.migrations.append(counts)
        }
        progress?(tracker.progress)
        report.estimatedSeconds = rateLimit.estimatedSeconds(forOperations: report.totalToMigrate)
        report.durationSeconds = options.clock.now() - started
        return report
    }
}
