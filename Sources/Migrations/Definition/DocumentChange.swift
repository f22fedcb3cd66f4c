import Firestore

/// One field the migration writes: a new value, or `nil` to remove it.
///
/// Every path appears in the write's update mask; a `nil` value in a masked path is how the REST
/// API deletes a field (used only for `participants.participant: null`, which v2 omits).
public struct FieldUpdate: Sendable, Hashable, CustomStringConvertible {
    public var path: FieldPath
    public var newValue: Value?

    public init(path: FieldPath, newValue: Value?) {
        self.path = path
        self.newValue = newValue
    }

    public static func == (lhs: FieldUpdate, rhs: FieldUpdate) -> Bool {
        lhs.path == rhs.path && {
            switch (lhs.newValue, rhs.newValue) {
            case (nil, nil): true
            case let (a?, b?): a.isIdentical(to: b)
            default: false
            }
        }()
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(path) }

    public var description: String { "\(path) = \(newValue.map { "\($0)" } ?? "<removed>")" }
}

/// The exact write that takes one document to v2: nothing more than SCHEMA.md adds or changes.
///
/// The executor sends it as one `update` with `updateMask` = ``updateMask``, the values of
/// ``updateFields``, a `setToServerValue: REQUEST_TIME` transform for each of ``serverTimestamps``
/// (`migratedAt`) and an `updateTime` precondition on the version that was read. The journal keeps
/// the before-image of every path in ``touchedPaths``.
public struct DocumentChange: Sendable, Hashable {
    /// Fields set or removed, in a stable order (the order the rules run in).
    public var updates: [FieldUpdate]
    /// Fields set to the commit time by a server transform; never in the update mask.
    public var serverTimestamps: [FieldPath]

    public init(updates: [FieldUpdate], serverTimestamps: [FieldPath] = []) {
        self.updates = updates
        self.serverTimestamps = serverTimestamps
    }

    /// The paths of the REST write's `updateMask.fieldPaths`.
    public var updateMask: [FieldPath] { updates.map(\.path) }

    /// Every path the write changes (mask and transforms): what the undo journal must image.
    public var touchedPaths: [FieldPath] { updateMask + serverTimestamps }

    /// The `fields` of the REST write's document: set values nested along their paths; removed
    /// paths are simply absent (the mask deletes them).
    public var updateFields: [String: Value] {
        var fields: [String: Value] = [:]
        for update in updates {
            guard let value = update.newValue else { continue }
            Self.set(value, at: update.path.segments[...], in: &fields)
        }
        return fields
    }

    /// The fields a document will have once this change is applied to `fields`, as Firestore applies
    /// an update mask; server-timestamp fields get `serverTime` (the dry-run shows a placeholder,
    /// the vectors a marker, the executor the real commit time).
    public func applied(to fields: [String: Value], serverTime: Value) -> [String: Value] {
        var result = fields
        for update in updates {
            if let value = update.newValue {
                Self.set(value, at: update.path.segments[...], in: &result)
            } else {
                Self.remove(update.path.segments[...], in: &result)
            }
        }
        for path in serverTimestamps { Self.set(serverTime, at: path.segments[...], in: &result) }
        return result
    }

    static func set(_ value: Value, at path: ArraySlice<String>, in fields: inout [String: Value]) {
        guard let head = path.first else { return }
        if path.count == 1 {
            fields[head] = value
            return
        }
        var inner = fields[head]?.mapValue ?? [:]
        set(value, at: path.dropFirst(), in: &inner)
        fields[head] = .map(inner)
    }

    static func remove(_ path: ArraySlice<String>, in fields: inout [String: Value]) {
        guard let head = path.first else { return }
        if path.count == 1 {
            fields[head] = nil
            return
        }
        guard var inner = fields[head]?.mapValue else { return }
        remove(path.dropFirst(), in: &inner)
        fields[head] = .map(inner)
    }
}

/// What the migration's `up` transform decides for one document.
public enum DocumentOutcome: Sendable, Hashable {
    /// Already v2: nothing to write (counted as `skipped`; SCHEMA.md, principle 3).
    case skipped
    /// Write exactly this change.
    case migrate(DocumentChange)
    /// Leave the document untouched and report why (SCHEMA.md, principle 4).
    case anomaly([Anomaly])
}

/// What the validator decides for one document after a migration.
public enum ValidationResult: Sendable, Hashable {
    /// A complete v2 document: normalizing it derives nothing.
    case valid
    /// Still not v2: these paths would still be written (a missed or overwritten document).
    case notMigrated(pending: [FieldPath])
    /// An anomaly: must be exactly as the dry-run found it (the executor compares).
    case anomaly([Anomaly])
}
