import Firestore
import Foundation

/// Extras: live documents in the backup's collections that the backup does not hold, i.e. created
/// after it. A restore meant to put the database back as it was says how many there are, and with
/// `deleteExtras` deletes each one under an `updateTime` precondition, so a document written while
/// the restore runs is kept and reported as a conflict instead of being lost silently.
extension BackupRestorer {
    /// Compares each collection's live names with its backup file and tallies (or deletes) extras.
    ///
    /// Both sides are streamed in name order and merged, so memory stays one page whatever the
    /// sizes. A file that is not in Firestore's order (`unsorted`), or a live listing that turns out
    /// not to be, is compared through a set of the backup's names instead.
    func reconcileExtras(_ manifest: BackupManifest, in directory: URL, rewriter: NameRewriter, unsorted: Set<String>,
                         options: Options, events: AsyncStream<BackupEvent>.Continuation?) async throws -> RestoreReport {
        var total = RestoreReport.empty(dryRun: options.dryRun, overwrite: options.overwrite)
        let deleting = options.deleteExtras && !options.dryRun
        for entry in manifest.collections {
            var tally = ExtrasTally()
            var unordered = unsorted.contains(entry.collection)
            if !unordered {
                let backup = try BackupNames(url: directory.appendingPathComponent(entry.file), file: entry.file, rewriter: rewriter)
                do {
                    try await scan(entry, subtree: manifest.includesSubcollections, deleting: deleting, options: options,
                                   tally: &tally) { try backup.contains($0) }
                } catch is NamesOutOfOrder {
                    tally.restart()
                    unordered = true
                }
            }
            if unordered {
                tally.notes.append("\(entry.collection): names not in Firestore's order; compared against a set of the backup's names")
                let names = try BackupNames.all(url: directory.appendingPathComponent(entry.file), file: entry.file, rewriter: rewriter)
                try await scan(entry, subtree: manifest.includesSubcollections, deleting: deleting, options: options,
                               tally: &tally, ordered: false) { names.contains($0) }
            }
            if tally.deleted > 0 && !manifest.includesSubcollections {
                tally.notes.append("\(entry.collection): the backup has no subcollections, so documents below the deleted extras were left")
            }
            events?.yield(.extrasChecked(collection: entry.collection, extras: tally.found, deleted: tally.deleted, conflicts: tally.failed))
            total.extras += tally.found
            total.extrasDeleted += tally.deleted
            total.failed += tally.failed
            total.extraExamples = Array((total.extraExamples + tally.examples).prefix(RestoreReport.maxExamples))
            total.failures = Array((total.failures + tally.failures).prefix(RestoreReport.maxExamples))
            total.notes += tally.notes
        }
        return total
    }

    /// One pass over the live names of a collection; `inBackup` answers for each name in turn.
    private func scan(_ entry: BackupManifest.CollectionEntry, subtree: Bool, deleting: Bool, options: Options,
                      tally: inout ExtrasTally, ordered: Bool = true, inBackup: (String) throws -> Bool) async throws {
        var previous: String?
        var counted = tally
        // Also when the merge stops early: a fallback pass must know what was deleted or refused.
        defer { tally = counted }
        try await target.forEachLivePage(collection: entry.collection, subtree: subtree, pageSize: 5000) { page in
            var deletes: [RestoreWrite] = []
            for live in page {
                let path = live.path
                if ordered {
                    if let previous, NameOrder.compare(previous, path) >= 0 { throw NamesOutOfOrder() }
                    previous = path
                }
                guard !counted.conflicted.contains(live.name), try !inBackup(path) else { continue }
                counted.found += 1
                if !deleting {
                    if counted.examples.count < RestoreReport.maxExamples { counted.examples.append(live.name) }
                } else if let updateTime = live.updateTime {
                    deletes.append(RestoreWrite(document: live, precondition: .updateTime(updateTime), kind: .delete))
                }
            }
            for start in stride(from: 0, to: deletes.count, by: options.batchSize) {
                let batch = Array(deletes[start..<min(start + options.batchSize, deletes.count)])
                let outcomes = try await target.write(batch)
                for (index, write) in batch.enumerated() {
                    let name = write.document.name
                    if let error = index < outcomes.count ? outcomes[index].error : "no answer for this write" {
                        counted.failed += 1
                        counted.conflicted.insert(name)
                        if counted.failures.count < RestoreReport.maxExamples {
                            counted.failures.append("\(name): extra not deleted, it changed during the restore (\(error))")
                        }
                    } else {
                        counted.deleted += 1
                        if counted.examples.count < RestoreReport.maxExamples { counted.examples.append(name) }
                    }
                }
            }
        }
    }
}

/// Running totals of one collection's extras.
struct ExtrasTally {
    var found = 0
    var deleted = 0
    /// Deletes refused by their precondition: written during the restore, kept.
    var failed = 0
    var examples: [String] = []
    var failures: [String] = []
    var notes: [String] = []
    /// Names whose delete was refused; a second pass leaves them alone (few: conflicts are rare).
    var conflicted: Set<String> = []

    /// Before a second, unordered pass: deleted documents are gone and conflicts are remembered, so
    /// only extras merely counted would be counted twice.
    mutating func restart() {
        found = deleted + failed
        examples = []
    }
}

struct NamesOutOfOrder: Error {}

/// The document paths of a backup file in file order, pulled one at a time, for the merge.
final class BackupNames {
    private let reader: CollectionFileReader
    private let file: String
    private let rewriter: NameRewriter
    private var current: String?
    private var started = false
    private var exhausted = false

    init(url: URL, file: String, rewriter: NameRewriter) throws {
        reader = try CollectionFileReader(url: url)
        self.file = file
        self.rewriter = rewriter
    }

    /// Whether `path` is in the file, given paths asked in ascending order; throws
    /// ``NamesOutOfOrder`` when the file is not ascending.
    func contains(_ path: String) throws -> Bool {
        if !started { started = true; current = try nextPath() }
        while let name = current, NameOrder.compare(name, path) < 0 {
            let following = try nextPath()
            if let following, NameOrder.compare(name, following) >= 0 { throw NamesOutOfOrder() }
            current = following
        }
        return current == path
    }

    private func nextPath() throws -> String? {
        guard !exhausted else { return nil }
        guard let line = try reader.nextLine() else {
            exhausted = true
            if let problem = try reader.finish().gzipProblem {
                throw BackupError.corruptLine(file: file, line: reader.lineNumber + 1, reason: problem)
            }
            return nil
        }
        guard let name = Self.name(in: line) ?? (try? JSON.parse(Data(line)))?["name"]?.stringValue else {
            throw BackupError.corruptLine(file: file, line: reader.lineNumber, reason: "no document name")
        }
        return Document(name: rewriter.rewrite(name: name)).path
    }

    /// The document name read straight from the line, without parsing its fields: lines are
    /// written with sorted keys, so the name is the last `"name":"` (a quote inside a string value
    /// is escaped, and field names map to objects). Nil when the name holds an escape: parse then.
    static func name(in line: [UInt8]) -> String? {
        let pattern = Array(#""name":""#.utf8)
        var start = line.count - pattern.count
        while start >= 0, !line[start..<start + pattern.count].elementsEqual(pattern) { start -= 1 }
        guard start >= 0 else { return nil }
        let from = start + pattern.count
        guard let end = line[from...].firstIndex(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }),
              line[end] == UInt8(ascii: "\"") else { return nil }
        return String(decoding: line[from..<end], as: UTF8.self)
    }

    /// Every path in the file: the fallback when the file is not in Firestore's order.
    static func all(url: URL, file: String, rewriter: NameRewriter) throws -> Set<String> {
        let names = try BackupNames(url: url, file: file, rewriter: rewriter)
        var paths: Set<String> = []
        while let path = try names.nextPath() { paths.insert(path) }
        return paths
    }
}
