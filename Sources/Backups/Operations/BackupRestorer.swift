import Firestore
import Foundation

/// Writes a backup back into its database or into another one.
///
/// Documents absent from the target are created (only if still absent when written); documents
/// with exactly the backed-up fields are left alone; documents that differ are replaced only with
/// `overwrite`, and only the version that was compared (an `updateTime` precondition), so a restore
/// never silently clobbers live data. Without `overwrite`, a first pass looks for differing
/// documents and refuses before anything is written. Batches of writes run several at a time.
/// Live documents the backup lacks (extras) are counted and named, and deleted only with
/// `deleteExtras`. A protected target is written only when its name is confirmed.
public struct BackupRestorer: Sendable {
    public struct Options: Sendable {
        public var environment: String
        public var id: String
        public var dryRun = false
        public var overwrite = false
        /// Delete live documents of the backup's collections that the backup does not hold (needs
        /// `overwrite`: together they put the collections back exactly as they were).
        public var deleteExtras = false
        /// The target environment's name when it is protected (staging, production): anything but
        /// a dry run is refused unless `confirmedProtected` repeats that name.
        public var protectedTarget: String?
        public var confirmedProtected: String?
        /// Writes per batchWrite request (Firestore's limit is 500).
        public var batchSize = 500
        /// batchWrite requests in flight at once.
        public var concurrency = 4

        public init(environment: String, id: String, dryRun: Bool = false, overwrite: Bool = false) {
            self.environment = environment
            self.id = id
            self.dryRun = dryRun
            self.overwrite = overwrite
        }
    }

    public let store: BackupStore
    public let target: any RestoreWriter

    public init(store: BackupStore, target: any RestoreWriter) {
        self.store = store
        self.target = target
    }

    public func restore(_ options: Options, events: AsyncStream<BackupEvent>.Continuation? = nil) async throws -> RestoreReport {
        guard (1...500).contains(options.batchSize), (1...64).contains(options.concurrency) else {
            throw BackupError.invalidArgument("batch size must be 1...500 and concurrency 1...64")
        }
        if options.deleteExtras && !options.overwrite {
            throw BackupError.invalidArgument(
                "--delete-extras needs --overwrite: deleting what the backup lacks only makes sense when differing documents are put back too")
        }
        if let protected = options.protectedTarget, !options.dryRun, options.confirmedProtected != protected {
            throw BackupError.refusedProtected(environment: protected, confirmation: options.confirmedProtected)
        }
        let manifest = try store.manifest(environment: options.environment, id: options.id)
        let directory = store.directory(environment: options.environment, id: options.id)
        try checkFiles(manifest, in: directory)
        let rewriter = NameRewriter(source: "projects/\(manifest.project)/databases/\(manifest.database)", target: target.databaseRoot)
        let base = RestoreReport(backupID: manifest.id, source: rewriter.source, target: rewriter.target,
                                 dryRun: options.dryRun, overwrite: options.overwrite)

        if !options.dryRun && !options.overwrite {
            // Look before writing: refuse while nothing has been touched yet.
            let (preview, _) = try await run(manifest, in: directory, rewriter: rewriter, mode: .preview, options: options, events: nil)
            if preview.overwritten > 0 {
                throw BackupError.refusedOverwrite(count: preview.overwritten, examples: Array(preview.overwriteExamples.prefix(5)))
            }
        }
        var report = base
        let (pass, unsorted) = try await run(manifest, in: directory, rewriter: rewriter,
                                             mode: options.dryRun ? .preview : .write, options: options, events: events)
        report.merge(pass)
        report.merge(try await reconcileExtras(manifest, in: directory, rewriter: rewriter, unsorted: unsorted,
                                               options: options, events: events))
        events?.yield(.restoreCompleted(created: report.created, overwritten: report.overwritten,
                                        identical: report.identical, dryRun: options.dryRun))
        return report
    }

    enum Mode { case preview, write }

    /// One pass over every file, a batch at a time, several batches in flight. Also returns the
    /// collections whose file is not in Firestore's name order (the extras pass can't merge those).
    private func run(_ manifest: BackupManifest, in directory: URL, rewriter: NameRewriter, mode: Mode, options: Options,
                     events: AsyncStream<BackupEvent>.Continuation?) async throws -> (RestoreReport, unsorted: Set<String>) {
        var total = RestoreReport(backupID: manifest.id, source: rewriter.source, target: rewriter.target,
                                  dryRun: options.dryRun, overwrite: options.overwrite)
        var unsorted: Set<String> = []
        for entry in manifest.collections {
            var previousPath: String?
            let reader = try CollectionFileReader(url: directory.appendingPathComponent(entry.file))
            var collectionReport = RestoreReport.empty(dryRun: options.dryRun, overwrite: options.overwrite)
            var examined = 0
            try await withThrowingTaskGroup(of: RestoreReport.self) { group in
                var inFlight = 0
                var batch: [Document] = []
                func absorb(_ part: RestoreReport) {
                    collectionReport.merge(part)
                    examined += part.created + part.overwritten + part.identical + part.failed
                    events?.yield(.restoreProgress(collection: entry.collection, examined: examined, created: collectionReport.created,
                                                   overwritten: collectionReport.overwritten, identical: collectionReport.identical))
                }
                func submit() async throws {
                    let documents = batch
                    batch = []
                    if inFlight >= options.concurrency, let done = try await group.next() {
                        absorb(done)
                        inFlight -= 1
                    }
                    group.addTask { try await self.apply(documents, mode: mode, overwrite: options.overwrite) }
                    inFlight += 1
                }
                while let line = try reader.nextLine() {
                    let document: Document
                    do {
                        document = try Document(json: try JSON.parse(Data(line)))
                    } catch {
                        throw BackupError.corruptLine(file: entry.file, line: reader.lineNumber, reason: "not a Firestore document: \(error)")
                    }
                    if let previousPath, NameOrder.compare(previousPath, document.path) >= 0 { unsorted.insert(entry.collection) }
                    previousPath = document.path
                    batch.append(rewriter.rewrite(document))
                    if batch.count == options.batchSize { try await submit() }
                }
                if !batch.isEmpty { try await submit() }
                for try await done in group { absorb(done) }
            }
            let outcome = try reader.finish()
            if let problem = outcome.gzipProblem {
                throw BackupError.corruptLine(file: entry.file, line: reader.lineNumber + 1, reason: problem)
            }
            total.merge(collectionReport)
        }
        return (total, unsorted)
    }

    /// Compares one batch with the target and, when writing, puts back what is missing or differs.
    private func apply(_ documents: [Document], mode: Mode, overwrite: Bool) async throws -> RestoreReport {
        var part = RestoreReport.empty(dryRun: mode == .preview, overwrite: overwrite)
        let live = try await target.currentDocuments(names: documents.map(\.name))
        var writes: [RestoreWrite] = []
        var kinds: [Bool] = []  // true: create, false: overwrite
        for document in documents {
            guard let current = live[document.name] else {
                writes.append(RestoreWrite(document: document, precondition: .mustNotExist))
                kinds.append(true)
                continue
            }
            if Value.map(current.fields).isIdentical(to: .map(document.fields)) {
                part.identical += 1
            } else if mode == .preview || overwrite, let updateTime = current.updateTime {
                writes.append(RestoreWrite(document: document, precondition: .updateTime(updateTime)))
                kinds.append(false)
            } else {
                part.failed += 1
                part.failures.append("\(document.name): changed since the check; not overwritten (use --overwrite)")
            }
        }
        guard mode == .write else {
            for (write, isCreate) in zip(writes, kinds) { part.count(write.document.name, created: isCreate) }
            return part
        }
        guard !writes.isEmpty else { return part }
        let outcomes = try await target.write(writes)
        for (index, write) in writes.enumerated() {
            if let error = index < outcomes.count ? outcomes[index].error : "no answer for this write" {
                part.failed += 1
                if part.failures.count < RestoreReport.maxExamples { part.failures.append("\(write.document.name): \(error)") }
            } else {
                part.count(write.document.name, created: kinds[index])
            }
        }
        return part
    }

    /// Re-hashes every file before reading any: a damaged backup is refused before it writes.
    private func checkFiles(_ manifest: BackupManifest, in directory: URL) throws {
        for entry in manifest.collections {
            let url = directory.appendingPathComponent(entry.file)
            let (size, sha256) = try fileDigest(url)
            guard size == entry.byteSize, sha256 == entry.sha256 else {
                throw BackupError.io(path: url.path, reason:
                    "does not match the manifest (size \(size) vs \(entry.byteSize), sha256 \(sha256.prefix(12))… vs \(entry.sha256.prefix(12))…); "
                    + "run `runbook backup verify` and restore from an intact backup")
            }
        }
    }
}

extension RestoreReport {
    /// A tally to merge into the full report.
    static func empty(dryRun: Bool, overwrite: Bool) -> RestoreReport {
        RestoreReport(backupID: "", source: "", target: "", dryRun: dryRun, overwrite: overwrite)
    }

    mutating func count(_ name: String, created isCreate: Bool) {
        if isCreate {
            created += 1
            if createExamples.count < Self.maxExamples { createExamples.append(name) }
        } else {
            overwritten += 1
            if overwriteExamples.count < Self.maxExamples { overwriteExamples.append(name) }
        }
    }
}
