import Digest

/// The ordered migrations one run applies, identified by one checksum.
///
/// The runbook's evidence (a dry-run, approvals) is tied to this checksum: a dry-run of one plan is
/// no evidence for another, and any change of a migration's meaning changes the plan's checksum.
public struct MigrationPlan: Sendable, CustomStringConvertible {
    public let migrations: [Migration]
    /// Hex SHA-256 over the ordered `id version checksum` lines of ``migrations``.
    public let checksum: String

    /// Fails when two migrations share an id or the list is empty.
    public init(_ migrations: [Migration]) throws(MigrationPlanError) {
        guard !migrations.isEmpty else { throw .empty }
        var seen: Set<String> = []
        for migration in migrations where !seen.insert(migration.id).inserted {
            throw .duplicateID(migration.id)
        }
        self.migrations = migrations
        self.checksum = SHA256.hex(migrations.map { "\($0.id) \($0.version) \($0.checksum)\n" }.joined())
    }

    /// The migration with `id`, or `nil`.
    public func migration(id: String) -> Migration? { migrations.first { $0.id == id } }

    /// A plan of just the migration `id` (for `runbook migrate --migration ID`).
    public func only(_ id: String) throws(MigrationPlanError) -> MigrationPlan {
        guard let migration = migration(id: id) else {
            throw .unknownID(id, known: migrations.map(\.id))
        }
        return try MigrationPlan([migration])
    }

    /// Every collection the plan touches, in plan order, once each.
    public var collections: [String] {
        var seen: Set<String> = []
        return migrations.flatMap(\.collections).filter { seen.insert($0).inserted }
    }

    public var description: String {
        "plan \(checksum.prefix(12)): " + migrations.map(\.id).joined(separator: ", ")
    }
}

/// A plan that cannot be built.
public enum MigrationPlanError: Error, Sendable, Hashable, CustomStringConvertible {
    case empty
    case duplicateID(String)
    case unknownID(String, known: [String])

    public var description: String {
        switch self {
        case .empty: "a migration plan needs at least one migration"
        case .duplicateID(let id): "migration id \(id) appears twice in the plan; ids must be unique"
        case .unknownID(let id, let known):
            "no migration \(id) in the plan; known: \(known.joined(separator: ", "))"
        }
    }
}
