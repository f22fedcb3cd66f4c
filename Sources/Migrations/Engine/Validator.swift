import Firestore
import Foundation

/// The result of a full validation scan: the evidence for "staging validated".
public struct ValidationReport: Sendable, Codable, Equatable {
    public struct MigrationCounts: Sendable, Codable, Equatable {
        public var migrationID: String
        public var documents = 0
        public var valid = 0
        public var notMigrated = 0
        public var anomalies = 0
    }

    public var planChecksum: String
    public var readTime: String
    public var migrations: [MigrationCounts]
    /// Documents when the validated run started, and now (the application may add some).
    public var countBefore: Int?
    public var countAfter: Int
    /// Journaled writes whose document is unchanged since, checked value by value.
    public var journalChecked = 0
    /// Journaled documents the application changed since (their values are the application's).
    public var changedByApplication = 0
    /// Documents still not v2, anomalies the migration touched, or values the migration lost.
    public var problems: [DocumentFailure]
    public var durationSeconds: Double

    public var passed: Bool { problems.isEmpty }
}

/// Validates a plan after execute: every document valid v2 (or an untouched anomaly), and every
/// value the migration's writes replaced still present, in place or moved, compared with the journal.
struct Validator {
    let reader: any FirestoreReading
    let journal: UndoJournal?
    let options: EngineOptions

    /// Paths the migration owns outright; their old values are not data to keep.
    static let bookkeeping: Set<String> = ["schemaVersion", "migrationId", "migratedAt"]

    func run(plan: MigrationPlan, executeRun: RunRecord?, progress: ProgressHandler?) async throws -> ValidationReport {
        let started = options.clock.now()
        var readTime: Timestamp?
        var total = 0
        for collection in plan.collections {
            let result = try await reader.runAggregationQuery(StructuredQuery(collection: collection), aggregations: [.count()], parent: "", readTime: readTime)
            readTime = readTime ?? result.readTime
            total += Int(result.count() ?? 0)
        }
        var report = ValidationReport(planChecksum: plan.checksum, readTime: readTime?.rfc3339 ?? "", migrations: [],
                                      countBefore: executeRun?.totalAtStart, countAfter: total, problems: [], durationSeconds: 0)
        var tracker = ProgressTracker(phase: .validate, runID: executeRun?.id ?? "validate", total: total, now: started)
        var lastEmit = -Double.infinity
        for migration in plan.migrations {
            var counts = ValidationReport.MigrationCounts(migrationID: migration.id)
            for collection in migration.collections {
                var scan = CollectionScan(reader: reader, collection: collection, pageSize: options.readPageSize, after: nil, readTime: readTime)
                while let page = try await scan.next() {
                    let entries = try executeRun.flatMap { run in try journal?.entries(runID: run.id, documents: page.map(\.name)) } ?? [:]
                    for document in page {
                        counts.documents += 1
                        switch migration.validate(document) {
                        case .valid:
                            counts.valid += 1
                        case .notMigrated(let pending):
                            counts.notMigrated += 1
                            note(&report, document.name, "not v2: still to write \(pending.map(\.encoded).joined(separator: ", "))")
                        case .anomaly:
                            counts.anomalies += 1
                            if document.fields["migrationId"]?.stringValue == migration.id {
                                note(&report, document.name, "an anomaly that carries this migration's migrationId: the migration wrote it")
                            }
                        }
                        if let entry = entries[document.name], entry.state == .applied {
                            try check(entry, against: document, report: &report)
                        }
                    }
                    let event = tracker.update(at: options.clock.now()) { $0.processed += page.count }
                    if let progress, options.clock.now() - lastEmit >= options.progressInterval {
                        progress(event)
                        lastEmit = options.clock.now()
                    }
                }
            }
            report.migrations.append(counts)
        }
        progress?(tracker.progress)
        report.durationSeconds = options.clock.now() - started
        return report
    }

    /// Every value the write replaced must still be in the document, in place or moved to another
    /// path the write set (e.g. `createdAt` string → `createdAtLegacy`, v1 skills → `…Detail`).
    private func check(_ entry: JournalEntry, against document: Document, report: inout ValidationReport) throws {
        guard let written = entry.writtenUpdateTime, written == document.updateTime?.rfc3339 else {
            report.changedByApplication += 1
            return
        }
        report.journalChecked += 1
        let touched = try entry.fields.map { try FieldPath(parsing: $0) }
        for (encoded, beforeText) in entry.before where !Self.bookkeeping.contains(encoded) {
            let before = try DocumentImage.value(beforeText)
            if before.isNull { continue }  // a null is replaced by design (e.g. `read`, `participant`)
            let path = try FieldPath(parsing: encoded)
            if let now = document[path], now.isIdentical(to: before) { continue }
            let moved = touched.contains { other in document[other].map { $0.isIdentical(to: before) } ?? false }
            if !moved {
                note(&report, document.name, "the value of \(encoded) before the migration is no longer in the document")
            }
        }
    }

    private func note(_ report: inout ValidationReport, _ document: String, _ reason: String) {
        if report.problems.count < options.reportLimit {
            report.problems.append(DocumentFailure(document: document, reason: reason))
        } else if report.problems.count == options.reportLimit {
            report.problems.append(DocumentFailure(document: "…", reason: "more problems not listed"))
        }
    }
}
