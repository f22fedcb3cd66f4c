import Firestore
import Foundation

/// `_migrations/{id}` in the target database: which migration ran there, with which definition.
///
/// It lives in the database itself, so every console and command line sees it. Like Flyway's
/// validate, a migration whose recorded checksum differs from the code's is refused: the code
/// under that id no longer means what was applied (bump the version to change a migration).
public struct MigrationRegistry: Sendable {
    public static let collection = "_migrations"
    let client: FirestoreClient

    public init(client: FirestoreClient) { self.client = client }

    /// One registry document.
    public struct Record: Sendable, Equatable {
        public var migrationID: String
        public var version: Int
        public var checksum: String
        /// `running`, `applied`, `failed`, `aborted` or `rolled-back`.
        public var status: String
        public var runID: String
        public var who: String
        public var updatedAt: Timestamp?
        public var counts: [String: Int]
    }

    public func record(_ migrationID: String) async throws -> Record? {
        guard let document = try await client.get("\(Self.collection)/\(migrationID)") else { return nil }
        let f = document.fields
        var counts: [String: Int] = [:]
        for (key, value) in f["counts"]?.mapValue ?? [:] { counts[key] = value.integerValue.map(Int.init) }
        return Record(migrationID: migrationID, version: Int(f["version"]?.integerValue ?? 0),
                      checksum: f["checksum"]?.stringValue ?? "", status: f["status"]?.stringValue ?? "",
                      runID: f["runId"]?.stringValue ?? "", who: f["who"]?.stringValue ?? "",
                      updatedAt: f["updatedAt"]?.timestampValue, counts: counts)
    }

    /// Refuses a plan any of whose migrations was recorded with another definition.
    public func verify(_ plan: MigrationPlan) async throws {
        for migration in plan.migrations {
            guard let record = try await record(migration.id), record.status != "rolled-back" else { continue }
            if record.checksum != migration.checksum {
                throw RefusedError(
                    "migration \(migration.id) was \(record.status) on this database (run \(record.runID)) with checksum \(record.checksum.prefix(12)) (version \(record.version)), but its definition now has checksum \(migration.checksum.prefix(12)) (version \(migration.version)). A migration's rules must not change after it ran: restore the old rules, or give the change a new migration id or version and roll the old one back first.")
            }
        }
    }

    /// Writes the record of `migration` for `run`.
    public func write(_ migration: Migration, run: RunRecord, status: String) async throws {
        let counts: [String: Value] = [
            "processed": .integer(Int64(run.counts.processed)), "migrated": .integer(Int64(run.counts.migrated)),
            "skipped": .integer(Int64(run.counts.skipped)), "conflicts": .integer(Int64(run.counts.conflicts)),
            "failed": .integer(Int64(run.counts.failed)), "anomalies": .integer(Int64(run.counts.anomalies)),
            "restored": .integer(Int64(run.counts.restored)), "merged": .integer(Int64(run.counts.merged)),
        ]
        let fields: [String: Value] = [
            "migrationId": .string(migration.id), "version": .integer(Int64(migration.version)),
            "checksum": .string(migration.checksum), "description": .string(migration.description),
            "status": .string(status), "runId": .string(run.id), "who": .string(run.who),
            "environment": .string(run.environment), "planChecksum": .string(run.planChecksum),
            "startedAt": .timestamp(Timestamp(run.startedAt)), "counts": .map(counts),
        ]
        _ = try await client.commit([
            Write.set("\(Self.collection)/\(migration.id)", fields, transforms: [.serverTimestamp("updatedAt")])
        ])
    }
}

/// Refused by a gate, a lock or the registry: exit status 3.
public struct RefusedError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
