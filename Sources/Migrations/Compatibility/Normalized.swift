import Firestore

/// What any reader sees of a stored document, whatever its schema version.
///
/// It carries **both** the v2 fields and the legacy ones (a v0 trade gets `skillsOffered`; a v2
/// trade still shows `offeredSkills` when it had them), so old and new readers keep working while
/// documents of every version coexist.
///
/// It is a view: the stored fields plus the few top-level fields v2 derives, so reading a field
/// through ``subscript(_:)`` copies nothing. ``fields`` assembles the whole map when a caller
/// needs it as one dictionary.
public struct ReadModel: Sendable, Hashable {
    /// The stored document's fields, as stored.
    public let stored: [String: Value]
    /// Top-level fields whose v2 value differs from the stored one, in rule order; a `nil` value
    /// means v2 has no such field. A handful at most, so a list beats a hashed map.
    public let derived: [DerivedField]
    /// The stored document's version: its `schemaVersion` integer, or, when it has none, 0 for a
    /// legacy trade and 1 for a current (v1) trade, conversation or notification.
    public var schemaVersion: Int
    /// True when a value had to be derived: the stored document is not (yet) complete v2.
    public var compatibilityLayerUsed: Bool

    public init(stored: [String: Value], derived: [DerivedField] = [], schemaVersion: Int, compatibilityLayerUsed: Bool) {
        self.stored = stored
        self.derived = derived
        self.schemaVersion = schemaVersion
        self.compatibilityLayerUsed = compatibilityLayerUsed
    }

    /// A top-level field as a v2 reader sees it.
    public subscript(_ field: String) -> Value? {
        // Field names are ASCII identifiers: comparing lengths first (free for short strings) skips
        // most out-of-line string comparisons.
        let length = field.utf8.count
        for entry in derived where entry.name.utf8.count == length && entry.name == field { return entry.value }
        return stored[field]
    }

    /// The stored fields with every value v2 derives applied on top (never `migratedAt`,
    /// `migrationId` or `schemaVersion`: those are the stored document's own).
    public var fields: [String: Value] {
        guard !derived.isEmpty else { return stored }
        var fields = stored
        for entry in derived { fields[entry.name] = entry.value }
        return fields
    }

    public static func == (a: ReadModel, b: ReadModel) -> Bool {
        a.schemaVersion == b.schemaVersion && a.compatibilityLayerUsed == b.compatibilityLayerUsed && a.fields == b.fields
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(schemaVersion)
        hasher.combine(fields)
    }
}

/// One top-level field of a read model that v2 derives.
public struct DerivedField: Sendable, Hashable {
    public var name: String
    /// The v2 value; nil when v2 has no such field.
    public var value: Value?
}

/// How far a stored document is from v2, and what is odd about it.
public struct NormalizationReport: Sendable, Hashable {
    /// The data fields a v2 write must set or remove, in rule order (bookkeeping fields excluded).
    public var updates: [FieldUpdate]
    /// Why the document cannot be given a v2 shape; empty when it can.
    public var anomalies: [Anomaly]
    /// The stored `schemaVersion` when it is an integer from 0 to 2, else `nil`.
    public var storedSchemaVersion: Int64?

    public init(updates: [FieldUpdate] = [], anomalies: [Anomaly] = [], storedSchemaVersion: Int64? = nil) {
        self.updates = updates
        self.anomalies = anomalies
        self.storedSchemaVersion = storedSchemaVersion
    }

    /// A complete v2 document: nothing to derive, nothing odd, `schemaVersion == 2`.
    public var isV2: Bool { updates.isEmpty && anomalies.isEmpty && storedSchemaVersion == 2 }
}

/// The result of ``DocumentNormalizer/normalize(_:)``: SCHEMA.md's `(model, report)`.
///
/// The read model is assembled when asked for: the migration's `up` and the validator need only
/// the report, and skipping the copy of every field keeps them cheap next to decoding.
public struct Normalized: Sendable, Hashable {
    /// The stored fields as given.
    public var stored: [String: Value]
    public var report: NormalizationReport
    /// ``ReadModel/schemaVersion``.
    public var schemaVersion: Int

    public var model: ReadModel {
        guard !report.updates.isEmpty else {
            return ReadModel(stored: stored, schemaVersion: schemaVersion, compatibilityLayerUsed: false)
        }
        // Only the top-level fields the updates touch are rebuilt; the rest stay shared with `stored`.
        var derived: [DerivedField] = []
        derived.reserveCapacity(report.updates.count)
        func index(of name: String) -> Int? { derived.firstIndex { $0.name == name } }
        for update in report.updates {
            let segments = update.path.segments
            guard let head = segments.first else { continue }
            if segments.count == 1 {
                if let at = index(of: head) { derived[at].value = update.newValue } else { derived.append(DerivedField(name: head, value: update.newValue)) }
                continue
            }
            var slice: [String: Value] = [:]
            let at = index(of: head)
            if let current = at.map({ derived[$0].value }) ?? stored[head] { slice[head] = current }
            if let value = update.newValue {
                DocumentChange.set(value, at: segments[...], in: &slice)
            } else {
                DocumentChange.remove(segments[...], in: &slice)
            }
            if let at { derived[at].value = slice[head] } else { derived.append(DerivedField(name: head, value: slice[head])) }
        }
        return ReadModel(stored: stored, derived: derived, schemaVersion: schemaVersion, compatibilityLayerUsed: true)
    }
}

/// SCHEMA.md's compatibility layer for one collection: a pure function from any stored version
/// (v0, v1, v2, half-migrated) to one read model.
///
/// The migration's `up` transform, its validator and every reader call this one function, so they
/// cannot disagree about what v2 means. It never throws and never traps on odd data: it reports it.
public protocol DocumentNormalizer: Sendable {
    /// The collection id this normalizer reads, e.g. `trades`.
    var collection: String { get }
    func normalize(_ fields: [String: Value]) -> Normalized
}

extension DocumentNormalizer {
    public func normalize(_ document: Document) -> Normalized { normalize(document.fields) }
}

/// Accumulates one normalization: the updates the rules derive from the stored fields.
struct NormalizationBuilder {
    let stored: [String: Value]
    var updates: [FieldUpdate] = []
    var anomalies: [Anomaly] = []

    init(_ stored: [String: Value]) {
        self.stored = stored
    }

    /// Records `value` at `path` unless the stored document already holds exactly that value.
    mutating func set(_ path: FieldPath, _ value: Value) {
        set(path, value, replacing: valueAt(path, in: stored))
    }

    /// ``set(_:_:)`` for a caller that has already read the stored value at `path`: every String-keyed
    /// lookup saved is a hash, and hashing is most of what normalizing a document costs.
    mutating func set(_ path: FieldPath, _ value: Value, replacing current: Value?) {
        if let current, current.isIdentical(to: value) { return }
        append(FieldUpdate(path: path, newValue: value))
    }

    /// One allocation for the whole list when there is a first update, none when there is none.
    private mutating func append(_ update: FieldUpdate) {
        if updates.isEmpty { updates.reserveCapacity(6) }
        updates.append(update)
    }

    mutating func remove(_ path: FieldPath, stored current: Value?) {
        guard current != nil else { return }
        append(FieldUpdate(path: path, newValue: nil))
    }

    mutating func anomaly(_ code: String, _ field: String, _ reason: String) {
        anomalies.append(Anomaly(code: code, field: field, reason: reason))
    }

    func valueAt(_ path: FieldPath, in fields: [String: Value]) -> Value? {
        if path.segments.count == 1 { return fields[path.segments[0]] }
        var current: [String: Value] = fields
        for (index, segment) in path.segments.enumerated() {
            guard let value = current[segment] else { return nil }
            if index == path.segments.count - 1 { return value }
            guard case .map(let inner) = value else { return nil }
            current = inner
        }
        return nil
    }

    func finish(schemaVersion: SchemaVersionReading, inferredVersion: Int) -> Normalized {
        var anomalies = self.anomalies
        if let problem = schemaVersion.anomaly { anomalies.append(problem) }
        let version = schemaVersion.rawInteger.map { Int($0) } ?? inferredVersion
        let report = NormalizationReport(updates: updates, anomalies: anomalies, storedSchemaVersion: schemaVersion.stored)
        return Normalized(stored: stored, report: report, schemaVersion: version)
    }
}
