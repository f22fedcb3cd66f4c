/// One thing wrong with an index file: where (line, column), which entry, and why.
///
/// The message reads like a compiler's, `firestore.indexes.json:14:9: index #3 (trades), field 2:
/// unknown order "ASC"; use ASCENDING or DESCENDING`, so an editor can jump to it.
public struct IndexFileIssue: Sendable, Equatable, CustomStringConvertible {
    /// The rule broken, so tests and callers can tell issues apart without parsing messages.
    public enum Rule: String, Sendable, Equatable, CaseIterable {
        case syntax
        case wrongType
        case missingKey
        case unknownKey
        case duplicateKey
        case unknownQueryScope
        case unknownOrder
        case unknownArrayConfig
        case invalidVectorConfig
        case unknownEnumValue
        case noIndexMode
        case conflictingIndexModes
        case singleField
        case duplicateField
        case multipleArrayFields
        case duplicateIndex
        case duplicateOverride
        case invalidFieldPath
        case invalidCollectionGroup
    }

    public var file: String
    public var position: SourcePosition
    /// The entry, e.g. `index #3 (trades), field 2`; empty for file-level problems.
    public var subject: String
    public var rule: Rule
    /// What is wrong and what to do about it.
    public var reason: String

    public init(file: String, position: SourcePosition, subject: String, rule: Rule, reason: String) {
        self.file = file
        self.position = position
        self.subject = subject
        self.rule = rule
        self.reason = reason
    }

    public var line: Int { position.line }

    public var description: String {
        let prefix = subject.isEmpty ? "" : "\(subject): "
        return "\(file):\(position.line):\(position.column): \(prefix)\(reason)"
    }
}

/// An index file that cannot be used: every issue found, in file order.
public struct IndexFileError: Error, Sendable, CustomStringConvertible {
    public var issues: [IndexFileIssue]

    public init(issues: [IndexFileIssue]) {
        self.issues = issues.sorted { $0.position < $1.position }
    }

    public var description: String {
        let count = issues.count == 1 ? "1 problem" : "\(issues.count) problems"
        return "\(issues.first?.file ?? "index file") has \(count):\n"
            + issues.map { "  \($0)" }.joined(separator: "\n")
    }
}
