import Firestore

extension Migration {
    /// A migration to `targetVersion` whose `up` and validation both come from one normalizer, so the
    /// transform, the validator and every reader agree on what the target shape is.
    ///
    /// `up`: anomalies → `.anomaly` (untouched); nothing to derive and already at `targetVersion` →
    /// `.skipped`; else the derived fields plus `schemaVersion`, `migrationId` (each only when it
    /// differs) and `migratedAt` as a server timestamp.
    public init(
        id: String,
        version: Int,
        description: String,
        normalizer: some DocumentNormalizer,
        targetVersion: Int64 = 2,
        rules: [MigrationRule]
    ) {
        let bookkeeping: [MigrationRule] = [
            MigrationRule("schemaVersion", "integer \(targetVersion)"),
            MigrationRule("migrationId", "the id of this migration, \(id)"),
            MigrationRule("migratedAt", "server timestamp of the write"),
            MigrationRule("skip", "a document with nothing to derive and schemaVersion \(targetVersion) is skipped"),
        ]
        self.init(
            id: id,
            version: version,
            description: description,
            collections: [normalizer.collection],
            rules: rules + bookkeeping,
            up: { document in
                Self.outcome(of: normalizer.normalize(document.fields), id: id, targetVersion: targetVersion, stored: document.fields)
            },
            validate: { document in
                let report = normalizer.normalize(document.fields).report
                if !report.anomalies.isEmpty { return .anomaly(report.anomalies) }
                var pending = report.updates.map(\.path)
                if report.storedSchemaVersion != targetVersion { pending.append(FieldPaths.schemaVersion) }
                return pending.isEmpty ? .valid : .notMigrated(pending: pending)
            }
        )
    }

    static func outcome(of normalized: Normalized, id: String, targetVersion: Int64, stored: [String: Value]) -> DocumentOutcome {
        let report = normalized.report
        if !report.anomalies.isEmpty { return .anomaly(report.anomalies) }
        if report.updates.isEmpty && report.storedSchemaVersion == targetVersion { return .skipped }
        var updates = report.updates
        if report.storedSchemaVersion != targetVersion {
            updates.append(FieldUpdate(path: FieldPaths.schemaVersion, newValue: .integer(targetVersion)))
        }
        if !(stored["migrationId"]?.isIdentical(to: .string(id)) ?? false) {
            updates.append(FieldUpdate(path: FieldPaths.migrationId, newValue: .string(id)))
        }
        return .migrate(DocumentChange(updates: updates, serverTimestamps: [FieldPaths.migratedAt]))
    }
}
