import Foundation

/// A JSON document as Firestore's REST API sends it, kept exact.
///
/// Numbers keep their source text, so a 64-bit integer or a double survives a round trip without
/// passing through a lossy intermediate (Foundation's `JSONSerialization` is not exact on Linux).
public enum JSON: Sendable, Hashable {
    case null
    case bool(Bool)
    /// The number exactly as written in the JSON text.
    case number(String)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    /// Convenience for building request bodies.
    public static func int<I: BinaryInteger>(_ value: I) -> JSON { .number(String(value)) }

    public subscript(key: String) -> JSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var arrayValue: [JSON]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var objectValue: [String: JSON]? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// An integer from a JSON number or a decimal string (Google sends int64 values as strings).
    public var int64Value: Int64? {
        switch self {
        case .number(let text), .string(let text): Int64(text)
        default: nil
        }
    }

    /// A double from a JSON number or a numeric string.
    public var doubleValue: Double? {
        switch self {
        case .number(let text), .string(let text): Double(text)
        default: nil
        }
    }
}

/// Malformed JSON, with the byte offset where parsing stopped.
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    public var offset: Int
    public var reason: String

    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}
