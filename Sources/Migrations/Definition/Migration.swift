import Digest
import Firestore

/// One schema migration: what it changes, how, and how to tell it worked.
///
/// A migration is identified by ``id`` and pinned by ``checksum``, which is taken over its *meaning*
/// (id, version, collections and the canonical text of its ``rules``), never over source text: a
/// reformatted file or a new compiler does not change it. To change what an applied migration does,
/// bump ``version``; the registry then refuses to treat the old record as this migration (as
/// Flyway's validate does), so nobody silently runs different code under an old name.
///
/// ```swift
/// let plan = try MigrationPlan([TradeYaV2.trades, TradeYaV2.conversations, TradeYaV2.notifications])
/// switch plan.migrations[0].up(document) { case .migrate(let change): … }
/// ```
public struct Migration: Sendable, Identifiable {
    /// Ordered, human-readable id, e.g. `2026-11-trades-v2`.
    public let id: String
    /// Bumped whenever the rules change; part of the checksum.
    public let version: Int
    /// One line for people (not part of the checksum: fixing a typo changes nothing).
    public let description: String
    /// Top-level collection ids whose documents ``up`` transforms.
    public let collections: [String]
    /// The canonical statement of what the migration does, rule by rule.
    public let rules: [MigrationRule]
    /// Hex SHA-256 of ``canonicalDefinition``.
    public let checksum: String

    private let transform: @Sendable (Document) -> DocumentOutcome
    private let validator: @Sendable (Document) -> ValidationResult

    public init(
        id: String,
        version: Int,
        description: String,
        collections: [String],
        rules: [MigrationRule],
        up: @escaping @Sendable (Document) -> DocumentOutcome,
        validate: @escaping @Sendable (Document) -> ValidationResult
    ) {
        self.id = id
        self.version = version
        self.description = description
        self.collections = collections
        self.rules = rules
        self.transform = up
        self.validator = validate
        self.checksum = SHA256.hex(Self.canonicalDefinition(id: id, version: version, collections: collections, rules: rules))
    }

    /// The transform of one document of one of ``collections``. Pure: the same document always gives
    /// the same outcome, and a migrated document gives `.skipped`.
    public func up(_ document: Document) -> DocumentOutcome { transform(document) }

    /// Whether a document read after the migration is valid v2.
    public func validate(_ document: Document) -> ValidationResult { validator(document) }

    /// The text the checksum is taken over: one line per item, whitespace in rule text collapsed.
    public var canonicalDefinition: String {
        Self.canonicalDefinition(id: id, version: version, collections: collections, rules: rules)
    }

    static func canonicalDefinition(id: String, version: Int, collections: [String], rules: [MigrationRule]) -> String {
        var lines = ["migration \(id)", "version \(version)", "collections \(collections.joined(separator: ","))"]
        lines += rules.map(\.canonicalLine)
        return lines.joined(separator: "\n") + "\n"
    }
}

/// One rule of a migration, as SCHEMA.md states it: the field it governs and what it does.
///
/// The rule text is the migration's meaning for the checksum, so it must say what the code does;
/// the vectors in the repository hold the code to it.
public struct MigrationRule: Sendable, Hashable {
    /// The field (or `anomaly`) the rule is about.
    public var target: String
    public var text: String

    public init(_ target: String, _ text: String) {
        self.target = target
        self.text = text
    }

    /// `target: text` with runs of whitespace collapsed to one space.
    var canonicalLine: String {
        let words = text.split(whereSeparator: { $0.isWhitespace || $0.isNewline })
        return "\(target.trimmingWhitespace): \(words.joined(separator: " "))"
    }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        String(self.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
