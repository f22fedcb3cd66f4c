/// The file against what is deployed: which indexes are missing, extra, building, broken or ready.
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
    }

    public var entries: [Entry]

    /// Matches file entries to deployed indexes by definition (same group, scope, fields, modes),
    /// ignoring the trailing `__name__` the API adds.
    public init(file: IndexFile, deployed: [DeployedIndex]) {
        var remaining = deployed
        var entries: [Entry] = []
        for (offset, index) in file.indexes.enumerated() {
            if let at = remaining.firstIndex(where: { $0.index.definitionKey == index.definitionKey }) {
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
        entries += remaining.map { Entry(index: $0.index, fileOffset: nil, deployed: $0, status: .extra) }
        self.entries = entries
    }

    public func entries(_ status: Status) -> [Entry] { entries.filter { $0.status == status } }

    /// Every file index deployed and READY.
    public var allReady: Bool { entries.allSatisfy { $0.status == .ready || $0.status == .extra } }

    /// `3 ready, 1 building, 1 missing, 0 needs repair, 2 extra`.
    public var counts: String {
        let order: [Status] = [.ready, .building, .missing, .needsRepair, .extra]
        return order.map { "\(entries($0).count) \($0 == .needsRepair ? "needs repair" : $0.rawValue)" }.joined(separator: ", ")
    }
}
