import Foundation
import GRDB

extension UndoJournal {
    /// Stores before-images durably; call before sending the writes they describe.
    ///
    /// A document already journaled as `pending` in this run (a write that was sent but never
    /// acknowledged, or lost a precondition race) is replaced by the newer read; an `applied` one
    /// is left alone, so a document is never journaled twice with a later, already-migrated image.
    public func recordPending(runID: String, _ entries: [JournalEntry]) throws {
        guard !entries.isEmpty else { return }
        try writer.write { db in
            for entry in entries {
                try db.execute(sql: """
                    INSERT INTO entries(run_id, document, state, json) VALUES (?, ?, 'pending', ?)
                    ON CONFLICT(run_id, document) DO UPDATE SET json = excluded.json, state = 'pending'
                    WHERE entries.state IN ('pending', 'failed')
                    """, arguments: [runID, entry.document, entry.jsonText])
            }
        }
    }

    /// Records Firestore's acknowledgements (document → the updateTime the write produced) and,
    /// in the same transaction, advances a checkpoint past them.
    public func markApplied(runID: String, _ updateTimes: [String: String], checkpoint: (scope: String, after: String)? = nil) throws {
        try writer.write { db in
            let statement = try db.cachedStatement(sql: """
                UPDATE entries SET state = 'applied', json = json_set(json, '$.state', 'applied', '$.writtenUpdateTime', ?)
                WHERE run_id = ? AND document = ?
                """)
            for (document, updateTime) in updateTimes {
                try statement.execute(arguments: [updateTime, runID, document])
            }
            if let checkpoint {
                try Self.setCheckpoint(db, runID: runID, scope: checkpoint.scope, after: checkpoint.after)
            }
        }
    }

    /// Moves a run's checkpoint past a finished page and stores its counts, in one transaction,
    /// so a crash never leaves a checkpoint whose page is missing from the counts.
    public func completePage(_ run: RunRecord, scope: String, after document: String) throws {
        try writer.write { db in
            try Self.setCheckpoint(db, runID: run.id, scope: scope, after: document)
            try db.execute(sql: "UPDATE runs SET json = ?, status = ? WHERE id = ?",
                           arguments: [try Self.encode(run), run.status.rawValue, run.id])
        }
    }

    /// A resumed run found documents already migrated whose acknowledgement it never saw: they
    /// were written by this run, but the exact updateTime is unknown, so rollback treats them as
    /// changed since and undoes only the migration's own fields.
    public func markLandedWithoutAcknowledgement(runID: String, documents: [String]) throws {
        guard !documents.isEmpty else { return }
        try writer.write { db in
            try Self.setState(db, .applied, runID: runID, documents: documents, onlyIfPending: true)
        }
    }

    /// Marks entries whose write was definitely not applied.
    public func markFailed(runID: String, documents: [String]) throws {
        try writer.write { db in
            try Self.setState(db, .failed, runID: runID, documents: documents, onlyIfPending: true)
        }
    }

    /// Rollback results: the new state of each entry (`.restored` or `.merged`).
    public func markUndone(runID: String, _ states: [String: JournalEntry.State], checkpoint: (scope: String, after: String)? = nil) throws {
        try writer.write { db in
            for state in Set(states.values) {
                try Self.setState(db, state, runID: runID, documents: states.filter { $0.value == state }.map(\.key), onlyIfPending: false)
            }
            if let checkpoint {
                try Self.setCheckpoint(db, runID: runID, scope: checkpoint.scope, after: checkpoint.after)
            }
        }
    }

    public func entry(runID: String, document: String) throws -> JournalEntry? {
        try writer.read { db in
            try String.fetchOne(db, sql: "SELECT json FROM entries WHERE run_id = ? AND document = ?", arguments: [runID, document])
                .map { try JournalEntry(jsonText: $0) }
        }
    }

    /// The entries of a run for these documents, by document name (one query for a whole page).
    public func entries(runID: String, documents: [String]) throws -> [String: JournalEntry] {
        guard !documents.isEmpty else { return [:] }
        return try writer.read { db in
            var found: [String: JournalEntry] = [:]
            for chunk in documents.chunked(500) {
                let marks = chunk.map { _ in "?" }.joined(separator: ",")
                var arguments: StatementArguments = [runID]
                for name in chunk { arguments += [name] }
                for text in try String.fetchAll(db, sql: "SELECT json FROM entries WHERE run_id = ? AND document IN (\(marks))", arguments: arguments) {
                    let entry = try JournalEntry(jsonText: text)
                    found[entry.document] = entry
                }
            }
            return found
        }
    }

    /// Entries of a run in journal order, a page at a time: `(sequence, entry)`, after `afterSeq`.
    public func entries(runID: String, afterSeq: Int64 = 0, limit: Int = 500, states: [JournalEntry.State]? = nil) throws -> [(seq: Int64, entry: JournalEntry)] {
        try writer.read { db in
            var sql = "SELECT seq, json FROM entries WHERE run_id = ? AND seq > ?"
            var arguments: StatementArguments = [runID, afterSeq]
            if let states {
                sql += " AND state IN (\(states.map { _ in "?" }.joined(separator: ",")))"
                for state in states { arguments += [state.rawValue] }
            }
            sql += " ORDER BY seq LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                (row["seq"], try JournalEntry(jsonText: row["json"]))
            }
        }
    }

    /// Number of entries of a run per state.
    public func entryCounts(runID: String) throws -> [JournalEntry.State: Int] {
        try writer.read { db in
            var counts: [JournalEntry.State: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM entries WHERE run_id = ? GROUP BY state", arguments: [runID]) {
                if let state = JournalEntry.State(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    /// The last document name a run may resume after, per scope (a collection, or rollback's sequence).
    public func checkpoint(runID: String, scope: String) throws -> String? {
        try writer.read { db in
            try String.fetchOne(db, sql: "SELECT after_document FROM checkpoints WHERE run_id = ? AND scope = ?", arguments: [runID, scope])
        }
    }

    public func setCheckpoint(runID: String, scope: String, after: String) throws {
        try writer.write { db in try Self.setCheckpoint(db, runID: runID, scope: scope, after: after) }
    }

    private static func setCheckpoint(_ db: Database, runID: String, scope: String, after: String) throws {
        try db.execute(sql: "INSERT INTO checkpoints(run_id, scope, after_document) VALUES (?, ?, ?) ON CONFLICT(run_id, scope) DO UPDATE SET after_document = excluded.after_document",
                       arguments: [runID, scope, after])
    }

    /// Sets the state column and the state inside the stored JSON in SQL (JSON1), without decoding
    /// and re-encoding each entry in Swift: the hot path of every page of a run.
    private static func setState(_ db: Database, _ state: JournalEntry.State, runID: String, documents: [String], onlyIfPending: Bool) throws {
        let statement = try db.cachedStatement(sql: """
            UPDATE entries SET state = ?1, json = json_set(json, '$.state', ?1)
            WHERE run_id = ?2 AND document = ?3\(onlyIfPending ? " AND state = 'pending'" : "")
            """)
        for document in documents {
            try statement.execute(arguments: [state.rawValue, runID, document])
        }
    }
}
