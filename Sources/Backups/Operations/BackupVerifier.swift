import Firestore
import Foundation

/// Re-reads a backup and checks it against its manifest and against Firestore.
///
/// Every file is re-hashed and every line parsed as a document of the right database and
/// collection; counts are compared with the manifest and with a count aggregation at the backup's
/// readTime while that is still inside the point-in-time window (else with live counts, which are
/// reported as notes because normal traffic changes them). The report is stored as
/// `verification.json` beside the manifest: the evidence the "backup verified" gate reads.
public struct BackupVerifier: Sendable {
    public let store: BackupStore
    /// nil when Firestore is not to be asked: only the files are checked.
    public let reader: (any SnapshotReader)?
    public let window: PointInTimeWindow
    public let verifiedBy: String
    public let toolVersion: String
    /// Most findings kept per file; the rest are summarised in one more finding.
    public var maxFindingsPerFile = 50

    public init(store: BackupStore, reader: (any SnapshotReader)?, window: PointInTimeWindow = .oneHour,
                verifiedBy: String, toolVersion: String) {
        self.store = store
        self.reader = reader
        self.window = window
        self.verifiedBy = verifiedBy
        self.toolVersion = toolVersion
    }

    public func verify(environment: String, id: String, now: Timestamp = .now(),
                       events: AsyncStream<BackupEvent>.Continuation? = nil) async throws -> VerificationReport {
        let manifest = try store.manifest(environment: environment, id: id)
        let directory = store.directory(environment: environment, id: id)
        let prefix = "projects/\(manifest.project)/databases/\(manifest.database)/documents/"
        var findings: [VerificationReport.Finding] = []
        var notes: [String] = []
        var results: [VerificationReport.CollectionResult] = []
        var fileCounts: [(entry: BackupManifest.CollectionEntry, counts: [String: Int])] = []

        for entry in manifest.collections {
            let (result, counts, fileFindings) = try check(entry: entry, in: directory, prefix: prefix)
            results.append(result)
            findings += fileFindings
            fileCounts.append((entry, counts))
            events?.yield(.verifyFileChecked(collection: entry.collection, lines: result.lineCount, problems: fileFindings.count))
        }

        var countSource = VerificationReport.CountSource.unavailable
        var countSourceNote = "Firestore was not asked; only the files were checked"
        if let reader {
            let expectedRoot = "projects/\(manifest.project)/databases/\(manifest.database)"
            if reader.databaseRoot != expectedRoot {
                findings.append(.init(file: nil, message:
                    "the backup is of \(expectedRoot) but environment '\(environment)' now points at \(reader.databaseRoot); counts cannot be compared"))
            } else {
                let readTime = try Timestamp(rfc3339: manifest.readTime)
                let comparison = try await compareCounts(fileCounts, readTime: readTime, now: now, reader: reader)
                countSource = comparison.source
                countSourceNote = comparison.note
                findings += comparison.findings
                notes += comparison.notes
                for (index, result) in results.enumerated() {
                    results[index].firestoreCount = comparison.totals[result.collection]
                }
            }
        }

        let report = VerificationReport(
            backupID: manifest.id, environment: environment, project: manifest.project, readTime: manifest.readTime,
            verifiedAt: now.rfc3339, verifiedBy: verifiedBy, toolVersion: toolVersion,
            outcome: findings.isEmpty ? .passed : .failed, countSource: countSource, countSourceNote: countSourceNote,
            collections: results, findings: findings, notes: notes)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try writeDurably(try encoder.encode(report), to: directory.appendingPathComponent(BackupStore.verificationFileName))
        events?.yield(.verifyCompleted(backupID: manifest.id, passed: report.passed))
        return report
    }

    /// Reads one file: checksum, size, every line a document under the right collection.
    private func check(entry: BackupManifest.CollectionEntry, in directory: URL, prefix: String) throws
        -> (VerificationReport.CollectionResult, [String: Int], [VerificationReport.Finding]) {
        let url = directory.appendingPathComponent(entry.file)
        var findings: [VerificationReport.Finding] = []
        var dropped = 0
        func report(_ line: Int?, _ message: String) {
            if findings.count < maxFindingsPerFile { findings.append(.init(file: entry.file, line: line, message: message)) } else { dropped += 1 }
        }
        guard FileManager.default.fileExists(atPath: url.path) else {
            let result = VerificationReport.CollectionResult(
                collection: entry.collection, file: entry.file, manifestCount: entry.documentCount, lineCount: 0,
                firestoreCount: nil, manifestSHA256: entry.sha256, actualSHA256: "", manifestByteSize: entry.byteSize, actualByteSize: 0)
            return (result, [:], [.init(file: entry.file, message: "the file is missing from \(directory.path)")])
        }
        var counts: [String: Int] = [:]
        let collectionPrefix = prefix + entry.collection + "/"
        let reader = try CollectionFileReader(url: url)
        while let line = try reader.nextLine() {
            let number = reader.lineNumber
            let document: Document
            do {
                document = try Document(json: try JSON.parse(Data(line)))
            } catch {
                report(number, "not a Firestore document in REST JSON: \(error)")
                continue
            }
            guard document.name.hasPrefix(collectionPrefix), document.name.count > collectionPrefix.count else {
                report(number, "document \(document.name) is not under \(collectionPrefix)")
                continue
            }
            counts[document.collectionPath, default: 0] += 1
        }
        let outcome = try reader.finish()
        if let problem = outcome.gzipProblem { report(nil, problem) }
        if outcome.sha256 != entry.sha256 {
            report(nil, "SHA-256 is \(outcome.sha256) but the manifest says \(entry.sha256): the file was changed or damaged")
        }
        if outcome.byteSize != entry.byteSize {
            report(nil, "size is \(outcome.byteSize) bytes but the manifest says \(entry.byteSize)")
        }
        if outcome.lineCount != entry.documentCount {
            report(nil, "\(outcome.lineCount) lines but the manifest counts \(entry.documentCount) documents")
        }
        for parent in Set(counts.keys).union(entry.countsByParent.keys).sorted() where counts[parent, default: 0] != entry.countsByParent[parent, default: 0] {
            report(nil, "\(parent): \(counts[parent, default: 0]) documents in the file but the manifest counts \(entry.countsByParent[parent, default: 0])")
        }
        if dropped > 0 { findings.append(.init(file: entry.file, message: "\(dropped) more problem(s) not listed")) }
        let result = VerificationReport.CollectionResult(
            collection: entry.collection, file: entry.file, manifestCount: entry.documentCount, lineCount: outcome.lineCount,
            firestoreCount: nil, manifestSHA256: entry.sha256, actualSHA256: outcome.sha256,
            manifestByteSize: entry.byteSize, actualByteSize: outcome.byteSize)
        return (result, counts, findings)
    }
}
