/// The file against what is deployed: which indexes are missing, extra, building, broken or ready,
/// and which field overrides are applied, applying, missing, different or extra.
public struct IndexDiff: Sendable {
    public enum Status: String, Sendable, Codable {
        /// In the file and READY.
        case ready
        /// In the file, deployed and still CREATING.
        case building
        /// In the file, deployed, and NEEDS_REPAIR: delete it and deploy again.
        case needsRepair = "needs_repair"
        /// In the file, not deployed.
        case missing
        /// Deployed, not in the file.
        case extra
    }

    public struct Entry: Sendable {
        public var index: CompositeIndex
        /// Offset in the file's `indexes`; nil for an extra index.
        public var fileOffset: Int?
        public var deployed: DeployedIndex?
        public var status: Status
        /// Why an entry has its status when the status alone does not say:
        /// `unrecognised field kind` for a deployed index this tool cannot read fully.
        public var note: String?

        /// `extra (unrecognised field kind)`, or the bare status.
        public var label: String { status.rawValue + (note.map { " (\($0))" } ?? "") }
    }

    public var entries: [Entry]
    /// The file's `fieldOverrides` against the database's overridden fields.
    public var fieldOverrides: FieldOverrideDiff

    /// Matches file entries to deployed indexes by definition (same group, query scope, API scope,
    /// fields, modes, vector dimensions), ignoring the trailing `__name__` the API adds. Density is
    /// compared only when the file sets it (absent means the database's default). A deployed index
    /// with a field kind this tool does not know never matches, and is extra with a note.
    public init(file: IndexFile, deployed: [DeployedIndex], fieldOverrides: FieldOverrideDiff = FieldOverrideDiff()) {
        self.fieldOverrides = fieldOverrides
        var remaining = deployed
        var entries: [Entry] = []
        for (offset, index) in file.indexes.enumerated() {
            if let at = remaining.firstIndex(where: { Self.matches(index, $0.index) }) {
                let match = remaining.remove(at: at)
                let status: Status = switch match.state {
                case .ready: .ready
                case .needsRepair: .needsRepair
                case .creating, .unknown: .building
                }
                entries.append(Entry(index: index, fileOffset: offset, deployed: match, status: status))
            } else {
                entries.append(Entry(index: index, fileOffset: offset, deployed: nil, status: .missing))
            }
        }
        entries += remaining.map {
            Entry(index: $0.index, fileOffset: nil, deployed: $0, status: .extra,
                  note: $0.index.hasUnrecognisedFields ? "unrecognised field kind" : nil)
        }
        self.entries = entries
    }

    static func matches(_ file: CompositeIndex, _ deployed: CompositeIndex) -> Bool {
        !deployed.hasUnrecognisedFields && file.definitionKey == deployed.definitionKey
            && (file.density == nil || file.density == deployed.density)
    }

    public func entries(_ status: Status) -> [Entry] { entries.filter { $0.status == status } }

    /// Every file index deployed and READY, and every field override of the file applied.
    public var allReady: Bool { entries.allSatisfy { $0.status == .ready || $0.status == .extra } && fieldOverrides.allApplied }

    /// `3 ready, 1 building, 1 missing, 0 needs repair, 2 extra`, then the field overrides' counts
    /// when there are any: `; field overrides: 3 applied, 0 applying, …`.
    public var counts: String {
        let order: [Status] = [.ready, .building, .missing, .needsRepair, .extra]
        let indexes = order.map { "\(entries($0).count) \($0 == .needsRepair ? "needs repair" : $0.rawValue)" }.joined(separator: ", ")
        return fieldOverrides.entries.isEmpty ? indexes : "\(indexes); field overrides: \(fieldOverrides.counts)"
    }
}

extension CompositeIndex {
    /// Whether a deployed index has a field of a kind this tool does not know.
    public var hasUnrecognisedFields: Bool {
        fields.contains { if case .unrecognised = $0.mode { true } else { false } }
    }
}
