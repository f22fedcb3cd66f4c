import Firestore

/// The file's `fieldOverrides` against the fields overridden in the database.
///
/// An override counts as applied only when its configuration matches, no field update for it is
/// still running and each of its single-field indexes is READY: until then queries may still use
/// (or miss) the old indexes, and an exemption is not yet lifting the 500-writes-per-second cap.
public struct FieldOverrideDiff: Sendable {
    public enum Status: String, Sendable, Codable {
        /// In the file, deployed as the file says, nothing running, every index READY.
        case applied
        /// A field update for it is running, or one of its indexes is still CREATING.
        case applying
        /// In the file, not overridden in the database (the field inherits its indexes).
        case missing
        /// Overridden in the database, differently from the file (`differences` says how).
        case differs
        /// As the file says, but a single-field index NEEDS_REPAIR.
        case needsRepair = "needs_repair"
        /// Overridden in the database, not in the file.
        case extra
    }

    public struct Entry: Sendable {
        /// The file's override, or the deployed one for an extra entry.
        public var override: FieldOverride
        /// Offset in the file's `fieldOverrides`; nil for an extra entry.
        public var fileOffset: Int?
        public var deployed: DeployedFieldOverride?
        public var status: Status
        /// What differs, one line each: `index ASC COLLECTION: in the file, not deployed`.
        public var differences: [String]
        /// The field update still running for this field, if any.
        public var operation: FieldOverrideOperation?
        /// Why an entry has its status when the status alone does not say (a failed last update,
        /// a TTL-only field, a revert in progress).
        public var note: String?

        public var summary: String { "field override \(override.summary)" }
        public var label: String { status.rawValue + (note.map { " (\($0))" } ?? "") }
    }

    public var entries: [Entry]

    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    /// Matches by collection group and field path (needless backticks ignored). Single-field
    /// indexes compare as a set of (query scope, mode, API scope); `ttl` is compared only when the
    /// file sets it, as the Firebase CLI does.
    public init(file: IndexFile, deployed: [DeployedFieldOverride], operations: [FieldOverrideOperation]) {
        var remaining = deployed
        var entries: [Entry] = []
        for (offset, override) in file.fieldOverrides.enumerated() {
            let at = remaining.firstIndex {
                $0.override.collectionGroup == override.collectionGroup && $0.override.canonicalFieldPath == override.canonicalFieldPath
            }
            let match = at.map { remaining.remove(at: $0) }
            let running = operations.first { !$0.done && Self.isFor($0.fieldName, override) }
            var entry = Entry(override: override, fileOffset: offset, deployed: match, status: .missing, differences: [], operation: running)
            if let match {
                entry.differences = Self.differences(file: override, deployed: match)
                entry.status = switch (entry.differences.isEmpty, running != nil) {
                case (true, true): .applying
                case (true, false) where match.indexStates.contains(.needsRepair): .needsRepair
                case (true, false) where match.indexStates.contains { $0 != .ready } || match.reverting: .applying
                case (true, false): .applied
                case (false, true): .applying
                case (false, false): match.usesAncestorConfig ? .missing : .differs
                }
            }
            if entry.status == .missing && running != nil { entry.status = .applying }
            if entry.status == .missing || entry.status == .differs, let failed = Self.lastFailure(override, operations) {
                entry.note = "the last update failed: \(failed)"
            }
            entries.append(entry)
        }
        entries += remaining.map { deployed in
            let running = operations.first { !$0.done && $0.fieldName == deployed.name }
            let note: String? =
                if deployed.usesAncestorConfig && !deployed.reverting { "TTL policy only; never pruned" }
                else if deployed.reverting || running != nil { "reverting to inherited indexes" }
                else if deployed.hasUnrecognisedIndexes { "unrecognised index kind" }
                else { nil }
            return Entry(override: deployed.override, fileOffset: nil, deployed: deployed, status: .extra, differences: [],
                         operation: running, note: note)
        }
        self.entries = entries
    }

    /// What differs between the file's override and the deployed field, for people.
    static func differences(file: FieldOverride, deployed: DeployedFieldOverride) -> [String] {
        var lines: [String] = []
        if deployed.usesAncestorConfig {
            lines.append("indexes: inherited from the collection group's or database's default, the file overrides them")
        } else {
            let wanted = Set(file.indexes.map(\.comparable))
            let found = Set(deployed.override.indexes.map(\.comparable))
            for index in file.indexes where !found.contains(index.comparable) {
                lines.append("index \(index.summary): in the file, not deployed")
            }
            for index in deployed.override.indexes where !wanted.contains(index.comparable) {
                lines.append("index \(index.summary): deployed, not in the file")
            }
        }
        if let ttl = file.ttl, ttl != (deployed.override.ttl ?? false) {
            lines.append(ttl ? "TTL: on in the file, off in the database" : "TTL: off in the file, on in the database")
        }
        return lines
    }

    /// The error of the field's latest update, when that update failed.
    private static func lastFailure(_ override: FieldOverride, _ operations: [FieldOverrideOperation]) -> String? {
        let latest = operations.filter { isFor($0.fieldName, override) }.max { ($0.startTime ?? "") < ($1.startTime ?? "") }
        guard let latest, latest.done, let message = latest.errorMessage else { return nil }
        return message
    }

    /// Whether a field's resource name names this override's field.
    static func isFor(_ fieldName: String, _ override: FieldOverride) -> Bool {
        guard let (group, path) = try? AdminField.parse(name: fieldName) else { return false }
        return group == override.collectionGroup && path == override.canonicalFieldPath
    }

    public func entries(_ status: Status) -> [Entry] { entries.filter { $0.status == status } }

    /// Every override of the file applied.
    public var allApplied: Bool { entries.allSatisfy { $0.status == .applied || $0.status == .extra } }

    /// `3 applied, 0 applying, 0 missing, 0 differ, 0 needs repair, 1 extra`.
    public var counts: String {
        let order: [(Status, String)] = [
            (.applied, "applied"), (.applying, "applying"), (.missing, "missing"), (.differs, "differ"),
            (.needsRepair, "needs repair"), (.extra, "extra"),
        ]
        return order.map { "\(entries($0.0).count) \($0.1)" }.joined(separator: ", ")
    }
}

extension FieldOverride.SingleFieldIndex {
    /// Equal for two entries that define the same single-field index (absent API scope = ANY_API).
    var comparable: String { "\(queryScope.rawValue)|\(mode.label)|\(apiScope ?? "ANY_API")" }
}
