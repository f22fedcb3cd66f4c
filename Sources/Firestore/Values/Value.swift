import Foundation

/// One Firestore value.
///
/// `==`, `hash` and `<` follow Firestore's own semantics, so the client compares values exactly as
/// a query does: `integer(1) == double(1.0)`, `NaN == NaN`, `-0.0 == 0.0`, strings compare by UTF-8
/// bytes (not Unicode canonical equivalence), and the type order is null < boolean < number <
/// timestamp < string < bytes < reference < geo point < array < map. Use ``isIdentical(to:)`` when a
/// value must be bit-for-bit the same (same type, same double bits), e.g. to check a round trip.
public enum Value: Sendable {
    case null
    case boolean(Bool)
    case integer(Int64)
    case double(Double)
    case timestamp(Timestamp)
    case string(String)
    case bytes(Data)
    /// A full document resource name: `projects/p/databases/(default)/documents/trades/t1`.
    case reference(String)
    case geoPoint(latitude: Double, longitude: Double)
    case array([Value])
    case map([String: Value])
}

extension Value {
    /// The name of the type, as used in error messages and anomaly reports.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .boolean: "boolean"
        case .integer: "integer"
        case .double: "double"
        case .timestamp: "timestamp"
        case .string: "string"
        case .bytes: "bytes"
        case .reference: "reference"
        case .geoPoint: "geoPoint"
        case .array: "array"
        case .map: "map"
        }
    }

    public var stringValue: String? { if case .string(let v) = self { v } else { nil } }
    public var booleanValue: Bool? { if case .boolean(let v) = self { v } else { nil } }
    public var integerValue: Int64? { if case .integer(let v) = self { v } else { nil } }
    public var doubleValue: Double? { if case .double(let v) = self { v } else { nil } }
    public var timestampValue: Timestamp? { if case .timestamp(let v) = self { v } else { nil } }
    public var arrayValue: [Value]? { if case .array(let v) = self { v } else { nil } }
    public var mapValue: [String: Value]? { if case .map(let v) = self { v } else { nil } }
    public var isNull: Bool { if case .null = self { true } else { false } }

    /// The value at a nested path inside a map value (`nil` when any segment is missing).
    public subscript(path: FieldPath) -> Value? {
        var current = self
        for segment in path.segments {
            guard case .map(let fields) = current, let next = fields[segment] else { return nil }
            current = next
        }
        return current
    }

    /// True when both values have the same type and the same bits (doubles by bit pattern, strings
    /// by UTF-8 bytes, maps key by key).
    public func isIdentical(to other: Value) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.boolean(let a), .boolean(let b)): return a == b
        case (.integer(let a), .integer(let b)): return a == b
        case (.double(let a), .double(let b)): return a.bitPattern == b.bitPattern
        case (.timestamp(let a), .timestamp(let b)): return a == b
        case (.string(let a), .string(let b)): return a.hasSameUTF8(as: b)
        case (.bytes(let a), .bytes(let b)): return a == b
        case (.reference(let a), .reference(let b)): return a.hasSameUTF8(as: b)
        case (.geoPoint(let a1, let o1), .geoPoint(let a2, let o2)):
            return a1.bitPattern == a2.bitPattern && o1.bitPattern == o2.bitPattern
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isIdentical(to: $1) }
        case (.map(let a), .map(let b)):
            guard a.count == b.count else { return false }
            for (key, value) in a {
                guard let otherValue = b[key], value.isIdentical(to: otherValue) else { return false }
            }
            return true
        default: return false
        }
    }
}

extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    public init(arrayLiteral elements: Value...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, Value)...) {
        self = .map(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}
