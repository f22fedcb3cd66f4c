import Firestore
import Foundation

/// Undoes an execute run from its journal, conflict-aware as SCHEMA.md ("Undoing it") says.
///
/// A document whose updateTime is still the one the migration's write produced gets its exact
/// before-image back. One the application changed since keeps the application's changes: only the
/// paths still holding what the migration wrote are put back (added fields removed, moved values
/// restored). Both are written under an `updateTime` precondition, re-read on conflict. Entries
/// change state as they are undone, so a rollback that stops resumes where it was.
struct Rollback {
    let client: FirestoreClient
    let journal: UndoJournal
    let options: EngineOptions
    let control: RunControl
    let progress: ProgressHandler?
    let sender: WriteSender

    func run(undoing executeRunID: String, run: inout RunRecord) async throws -> [DocumentFailure] {
        let counts = try journal.entryCounts(runID: executeRunID)
        let total = (counts[.applied] ?? 0) + (counts[.pending] ?? 0)
        var tracker = ProgressTracker(phase: .rollback, runID: run.id, total: total + run.counts.processed, now: options.clock.now())
        var failures: [DocumentFailure] = []
        var afterSeq: Int64 = 0
        var lastEmit = -Double.infinity
        while true {
            try await control.gate()
            // Pending entries too: a write sent by a run that crashed and was never resumed may
            // have landed. Having no known updateTime, they take the careful path, which leaves a
            // document alone when none of the migration's values are on it.
            let page = try journal.entries(runID: executeRunID, afterSeq: afterSeq, limit: options.pageSize, states: [.applied, .pending])
            guard let last = page.last else { break }
            afterSeq = last.seq
            let counts = try await undo(page.map(\.entry), executeRunID: executeRunID, failures: &failures)
            run.counts.add(counts)
            try journal.updateRun(run)
            let snapshot = run.counts
            let event = tracker.update(at: options.clock.now()) {
                $0.apply(snapshot)
                $0.checkpoint = last.entry.document
            }
            if let progress, options.clock.now() - lastEmit >= options.progressInterval {
                progress(event)
                lastEmit = options.clock.now()
            }
        }
        progress?(tracker.progress)
        return failures
    }

    private func undo(_ entries: [JournalEntry], executeRunID: String, failures: inout [DocumentFailure]) async throws -> RunCounts {
        var counts = RunCounts()
        counts.processed = entries.count
        var pending = entries
        var attempts: [String: Int] = [:]
        var states: [String: JournalEntry.State] = [:]
        while !pending.isEmpty {
            let current = try await client.batchGet(pending.map(\.document))
            var writes: [(JournalEntry, Write, JournalEntry.State)] = []
            for (entry, found) in zip(pending, current.results) {
                guard let document = found.document else {
                    // Deleted by the application since: nothing of the migration's is left.
                    counts.skipped += 1
                    states[entry.document] = .merged
                    continue
                }
                let (write, state) = try Self.undoWrite(for: entry, current: document)
                if let write {
                    writes.append((entry, write, state))
                } else {
                    states[entry.document] = state
                    counts.skipped += 1
                }
            }
            let sent = try await sender.send(writes.map(\.1))
            var retry: [JournalEntry] = []
            for ((entry, _, state), result) in zip(writes, sent.results) {
                switch result {
                case nil:
                    break // never sent: the run was aborted, and its resumption undoes it
                case .success:
                    states[entry.document] = state
                    if state == .restored { counts.restored += 1 } else { counts.merged += 1 }
                case .failure(let error):
                    let attempt = attempts[entry.document, default: 1]
                    attempts[entry.document] = attempt + 1
                    if error.code == .resourceExhausted { await control.limiter.backOff() }
                    if attempt < options.maxAttemptsPerDocument && (error.code == .failedPrecondition || error.code == .notFound || error.code.isRetryable) {
                        if error.code == .failedPrecondition { counts.conflicts += 1 }
                        retry.append(entry)
                    } else {
                        counts.failed += 1
                        if failures.count < options.reportLimit {
                            failures.append(DocumentFailure(document: entry.document, reason: "rollback gave up after \(attempt) attempts: \(error.code.rawValue): \(error.message)"))
                        }
                    }
                }
            }
            pending = retry
            if sent.aborted {
                try journal.markUndone(runID: executeRunID, states)
                throw MigrationAborted()
            }
        }
        try journal.markUndone(runID: executeRunID, states)
        return counts
    }

    /// The write that undoes `entry` on the `current` document, and the state it leaves; nil when
    /// nothing of the migration's remains to undo.
    static func undoWrite(for entry: JournalEntry, current: Document) throws -> (Write?, JournalEntry.State) {
        let unchangedSince = entry.writtenUpdateTime.map { $0 == current.updateTime?.rfc3339 } ?? false
        var mask: [FieldPath] = []
        var fields: [String: Value] = [:]
        let serverTimestamps = Set(entry.serverTimestampFields)
        for encoded in entry.fields {
            let path = try FieldPath(parsing: encoded)
            if !unchangedSince && serverTimestamps.contains(encoded) && current[path] == nil {
                continue // the stamp is not there (the write never landed, or it was undone)
            }
            if !unchangedSince && !serverTimestamps.contains(encoded) {
                // Changed since: undo this path only if it still holds what the migration wrote.
                let now = current[path]
                let stillOurs: Bool
                if let written = entry.after[encoded] {
                    stillOurs = try now.map { try $0.isIdentical(to: DocumentImage.value(written)) } ?? false
                } else {
                    stillOurs = now == nil
                }
                if !stillOurs { continue }
            }
            mask.append(path)
            if let before = entry.before[encoded] {
                setValue(try DocumentImage.value(before), at: path.segments[...], in: &fields)
            }
        }
        let state: JournalEntry.State = unchangedSince ? .restored : .merged
        guard !mask.isEmpty else { return (nil, state) }
        let precondition: Precondition = current.updateTime.map { .updateTime($0) } ?? .exists(true)
        return (Write.update(current.name, fields: fields, mask: mask, precondition: precondition), state)
    }

    private static func setValue(_ value: Value, at path: ArraySlice<String>, in fields: inout [String: Value]) {
        guard let head = path.first else { return }
        if path.count == 1 { fields[head] = value; return }
        var inner = fields[head]?.mapValue ?? [:]
        setValue(value, at: path.dropFirst(), in: &inner)
        fields[head] = .map(inner)
    }
}
