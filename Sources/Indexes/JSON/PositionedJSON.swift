/// A line and column in a source file, both counted from 1 (columns in Unicode scalars).
public struct SourcePosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    public var description: String { "\(line):\(column)" }
}

/// A JSON value that remembers where it starts.
///
/// Foundation's `JSONSerialization` forgets positions, and an index file error that cannot name its
/// line sends people hunting through a 300-line file; so the index and query files are read with
/// this small scanner instead. Object members keep their order and duplicates, so a validator can
/// report a key given twice instead of silently keeping the last one.
public struct PositionedJSON: Sendable {
    public struct Member: Sendable {
        public var key: String
        public var keyPosition: SourcePosition
        public var value: PositionedJSON
    }

    public enum Value: Sendable {
        case object([Member])
        case array([PositionedJSON])
        case string(String)
        /// The number and its literal text, so integers beyond 2^53 are not silently rounded.
        case number(Double, literal: String)
        case bool(Bool)
        case null
    }

    public var value: Value
    public var position: SourcePosition

    public init(value: Value, position: SourcePosition) {
        self.value = value
        self.position = position
    }

    /// A short name of the value's kind for error messages ("an object", "a string").
    public var kindName: String {
        switch value {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }

    public var members: [Member]? {
        if case .object(let members) = value { return members }
        return nil
    }

    public var elements: [PositionedJSON]? {
        if case .array(let elements) = value { return elements }
        return nil
    }

    public var stringValue: String? {
        if case .string(let string) = value { return string }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let bool) = value { return bool }
        return nil
    }

    /// The value as an exact integer, or nil for fractions, exponents and non-numbers.
    public var integerValue: Int? {
        if case .number(_, let literal) = value { return Int(literal) }
        return nil
    }

    /// The first member with this key.
    public subscript(key: String) -> PositionedJSON? {
        members?.first { $0.key == key }?.value
    }
}

/// Malformed JSON: where, and what was expected.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var position: SourcePosition
    public var message: String

    public var description: String { "\(position): \(message)" }
}
