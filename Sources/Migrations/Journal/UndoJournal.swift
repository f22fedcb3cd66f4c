import Foundation
import GRDB

/// The undo journal: runs, before-images and checkpoints in one SQLite file (WAL, one serial writer).
///
/// The order of durability is the point. An entry is committed (fsync'd, `synchronous = FULL`)
/// before its write is sent to Firestore, and a checkpoint only advances in the same transaction
/// that records the acknowledgements before it, so after a kill -9 the journal never claims a
/// write it cannot undo nor a checkpoint past a write that did not land.
public final class UndoJournal: Sendable {
    let writer: any DatabaseWriter
    /// Where the file lives, for messages.
    public let path: String

    /// Opens (or creates) the journal at `path`, creating the directory if needed.
    public init(path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        configuration.busyMode = .timeout(10)
        do {
            writer = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw JournalError(path: path, message: "cannot open the undo journal: \(error). Check that the state directory is writable and not on a network file system.")
        }
        self.path = path
        try Self.migrator.migrate(writer)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE runs (
                    id TEXT PRIMARY KEY NOT NULL,
                    kind TEXT NOT NULL,
                    environment TEXT NOT NULL,
                    json TEXT NOT NULL,
                    status TEXT NOT NULL,
                    started_at REAL NOT NULL
                );
                CREATE INDEX runs_by_env ON runs(environment, kind, started_at);
                CREATE TABLE entries (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    run_id TEXT NOT NULL REFERENCES runs(id),
                    document TEXT NOT NULL,
                    state TEXT NOT NULL,
                    json TEXT NOT NULL,
                    UNIQUE(run_id, document)
                );
                CREATE TABLE checkpoints (
                    run_id TEXT NOT NULL REFERENCES runs(id),
                    scope TEXT NOT NULL,
                    after_document TEXT NOT NULL,
                    PRIMARY KEY(run_id, scope)
                );
                """)
        }
        migrator.registerMigration("v2-baselines") { db in
            try db.execute(sql: """
                CREATE TABLE baselines (
                    run_id TEXT NOT NULL,
                    label TEXT NOT NULL,
                    json TEXT NOT NULL,
                    PRIMARY KEY(run_id, label)
                );
                """)
        }
        return migrator
    }

    // MARK: runs

    /// Records a new run.
    public func startRun(_ run: RunRecord) throws {
        try writer.write { db in
            try db.execute(sql: "INSERT INTO runs(id, kind, environment, json, status, started_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [run.id, run.kind.rawValue, run.environment, try Self.encode(run), run.status.rawValue, run.startedAt.timeIntervalSince1970])
        }
    }

    /// Replaces a run's record (status, counts, error).
    public func updateRun(_ run: RunRecord) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE runs SET json = ?, status = ? WHERE id = ?",
                           arguments: [try Self.encode(run), run.status.rawValue, run.id])
        }
    }

    public func run(id: String) throws -> RunRecord? {
        try writer.read { db in
            try String.fetchOne(db, sql: "SELECT json FROM runs WHERE id = ?", arguments: [id]).map(Self.decodeRun)
        }
    }

    /// The most recent run of `kind` on `environment`, newest first by start time.
    public func latestRun(environment: String, kind: RunRecord.Kind) throws -> RunRecord? {
        try runs(environment: environment, kind: kind, limit: 1).first
    }

    public func runs(environment: String, kind: RunRecord.Kind? = nil, limit: Int = 50) throws -> [RunRecord] {
        try writer.read { db in
            let rows: [String]
            if let kind {
                rows = try String.fetchAll(db, sql: "SELECT json FROM runs WHERE environment = ? AND kind = ? ORDER BY started_at DESC, rowid DESC LIMIT ?",
                                           arguments: [environment, kind.rawValue, limit])
            } else {
                rows = try String.fetchAll(db, sql: "SELECT json FROM runs WHERE environment = ? ORDER BY started_at DESC, rowid DESC LIMIT ?",
                                           arguments: [environment, limit])
            }
            return try rows.map(Self.decodeRun)
        }
    }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(type, from: Data(text.utf8))
    }

    static func decodeRun(_ text: String) throws -> RunRecord { try decode(RunRecord.self, text) }
}

/// The journal file could not be opened, read or written.
public struct JournalError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "undo journal \(path): \(message)" }
}
