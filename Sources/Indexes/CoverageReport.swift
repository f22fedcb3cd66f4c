/// The coverage verdict for one critical query.
public struct QueryCoverage: Sendable {
    /// What serves (part of) a query.
    public enum Source: Sendable, Equatable, CustomStringConvertible {
        /// The file's index at this offset in `indexes`.
        case composite(Int)
        /// An index Firestore keeps by itself, described (`single-field status ASC`).
        case automatic(String)

        public var description: String {
            switch self {
            case .composite(let offset): "index #\(offset + 1)"
            case .automatic(let what): "automatic \(what)"
            }
        }
    }

    public enum Verdict: Sendable {
        /// Firestore answers the query with these indexes (more than one: merged).
        case served(by: [Source])
        /// Firestore would fail with "The query requires an index"; this index would serve it.
        case missingIndex(suggested: CompositeIndex, closest: String?)
        /// Firestore refuses the query whatever the indexes.
        case rejected([String])
    }

    public var query: CriticalQuery
    public var verdict: Verdict
    public var warnings: [String]

    public var isServed: Bool {
        if case .served = verdict { return true }
        return false
    }

    /// One line for people: `ok  trades-by-creator-status: index #1` or the reason it fails.
    public var summary: String {
        switch verdict {
        case .served(let sources):
            let how = sources.count > 1 ? "merged " : ""
            return "\(query.name): served by \(how)\(sources.map(\.description).joined(separator: " + "))"
        case .missingIndex(let suggested, let closest):
            var text = "\(query.name): would fail with \"The query requires an index\" (\(query.summary)); "
                + "add \(suggested.summary)"
            if let closest { text += "; closest: \(closest)" }
            return text
        case .rejected(let reasons):
            return "\(query.name): Firestore rejects this query: \(reasons.joined(separator: "; "))"
        }
    }

    /// The file indexes this query uses.
    public var compositeIndexesUsed: [Int] {
        guard case .served(let sources) = verdict else { return [] }
        return sources.compactMap { if case .composite(let offset) = $0 { offset } else { nil } }
    }
}

/// The coverage of every critical query by one index file.
public struct CoverageReport: Sendable {
    public var results: [QueryCoverage]

    public init(results: [QueryCoverage]) {
        self.results = results
    }

    /// Queries that would fail in production.
    public var gaps: [QueryCoverage] { results.filter { !$0.isServed } }

    public var isComplete: Bool { gaps.isEmpty }

    /// Offsets of file indexes no critical query uses (worth a look, not an error: the application
    /// may have queries the file does not declare).
    public func unusedIndexes(in file: IndexFile) -> [Int] {
        let used = Set(results.flatMap(\.compositeIndexesUsed))
        return file.indexes.indices.filter { !used.contains($0) && !isVector(file.indexes[$0]) }
    }

    private func isVector(_ index: CompositeIndex) -> Bool {
        index.fields.contains { if case .vector = $0.mode { true } else { false } }
    }
}
