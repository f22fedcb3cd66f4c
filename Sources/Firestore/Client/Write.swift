/// One change in a commit or a batch write.
///
/// A migration writes with ``update(_:fields:mask:precondition:transforms:)`` and an `updateTime`
/// precondition, so a document the application changed in between is never overwritten.
public struct Write: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Replace the document's fields, or with a mask only the masked paths (absent from
        /// `fields` means delete that field).
        case update(fields: [String: Value], mask: [FieldPath]?)
        case delete
        /// Only transforms, no field changes (the document must exist unless a precondition says otherwise).
        case transform
    }

    /// A path relative to the database's documents (`trades/t1`) or a full resource name.
    public var path: String
    public var kind: Kind
    public var precondition: Precondition?
    public var transforms: [FieldTransform]

    public init(path: String, kind: Kind, precondition: Precondition? = nil, transforms: [FieldTransform] = []) {
        self.path = path
        self.kind = kind
        self.precondition = precondition
        self.transforms = transforms
    }

    /// Replaces the whole document (creating it when absent, unless a precondition forbids it).
    public static func set(_ path: String, _ fields: [String: Value], precondition: Precondition? = nil, transforms: [FieldTransform] = []) -> Write {
        Write(path: path, kind: .update(fields: fields, mask: nil), precondition: precondition, transforms: transforms)
    }

    /// Creates a document; fails with ALREADY_EXISTS if one is there.
    public static func create(_ path: String, _ fields: [String: Value], transforms: [FieldTransform] = []) -> Write {
        set(path, fields, precondition: .exists(false), transforms: transforms)
    }

    /// Changes only the masked paths, keeping every other field.
    public static func update(
        _ path: String, fields: [String: Value], mask: [FieldPath], precondition: Precondition? = .exists(true), transforms: [FieldTransform] = []
    ) -> Write {
        Write(path: path, kind: .update(fields: fields, mask: mask), precondition: precondition, transforms: transforms)
    }

    /// Sets (or, with `nil`, deletes) the given field paths and nothing else.
    public static func update(
        _ path: String, _ changes: [FieldPath: Value?], precondition: Precondition? = .exists(true), transforms: [FieldTransform] = []
    ) -> Write {
        var fields: [String: Value] = [:]
        for (fieldPath, value) in changes {
            if let value { fields.setValue(value, at: fieldPath.segments[...]) }
        }
        return update(path, fields: fields, mask: changes.keys.sorted(), precondition: precondition, transforms: transforms)
    }

    public static func delete(_ path: String, precondition: Precondition? = nil) -> Write {
        Write(path: path, kind: .delete, precondition: precondition)
    }
}

extension Dictionary where Key == String, Value == Firestore.Value {
    /// Sets a nested value, creating (or replacing non-map) intermediate maps.
    mutating func setValue(_ value: Firestore.Value, at segments: ArraySlice<String>) {
        guard let first = segments.first else { return }
        if segments.count == 1 { self[first] = value; return }
        var inner = self[first]?.mapValue ?? [:]
        inner.setValue(value, at: segments.dropFirst())
        self[first] = .map(inner)
    }
}

/// A condition the server checks before applying a write.
public enum Precondition: Sendable, Hashable {
    case exists(Bool)
    /// The document's `updateTime` must be exactly this (as read): FAILED_PRECONDITION otherwise.
    case updateTime(Timestamp)
}

/// A change computed by the server when the write is applied.
public struct FieldTransform: Sendable, Hashable {
    public enum Operation: Sendable, Hashable {
        case serverTimestamp
        case increment(Value)
        case maximum(Value)
        case minimum(Value)
        case appendMissingElements([Value])
        case removeAllFromArray([Value])
    }

    public var field: FieldPath
    public var operation: Operation

    public init(_ field: FieldPath, _ operation: Operation) {
        self.field = field
        self.operation = operation
    }

    public static func serverTimestamp(_ field: FieldPath) -> FieldTransform { FieldTransform(field, .serverTimestamp) }
}

/// What the server reports for one applied write.
public struct WriteResult: Sendable, Hashable {
    /// The document's new `updateTime` (nil for a delete or a no-op).
    public var updateTime: Timestamp?
    /// One value per transform, in order (e.g. the server timestamp written).
    public var transformResults: [Value]
}
