/// A path to a field inside a document, e.g. `participants.creator`.
///
/// Segments that are not simple names (letters, digits, `_`, not starting with a digit) are quoted
/// with backticks in the encoded form, with `` ` `` and `\` escaped by a backslash, as Firestore
/// requires in update masks, queries and transforms.
public struct FieldPath: Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var segments: [String]

    /// The document's name, for ordering and filtering by document ID (`__name__`).
    public static let documentID = FieldPath(["__name__"])

    public init(_ segments: [String]) { self.segments = segments }

    /// Parses a dotted path. A literal must be valid: `"a.b"`, `` "`odd.key`.x" ``.
    public init(stringLiteral value: String) {
        do { try self.init(parsing: value) } catch { preconditionFailure("\(error)") }
    }

    /// Parses the encoded form: segments separated by `.`, each a plain name or backtick-quoted.
    public init(parsing text: String) throws(FieldPathError) {
        var segments: [String] = []
        var current = ""
        var iterator = text.unicodeScalars.makeIterator()
        var quoted = false
        var sawQuotedSegment = false
        while let scalar = iterator.next() {
            if quoted {
                switch scalar {
                case "`": quoted = false
                case "\\":
                    guard let escaped = iterator.next() else { throw FieldPathError(path: text, reason: "ends inside an escape") }
                    current.unicodeScalars.append(escaped)
                default: current.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case ".":
                guard !current.isEmpty || sawQuotedSegment else { throw FieldPathError(path: text, reason: "empty segment") }
                segments.append(current)
                current = ""
                sawQuotedSegment = false
            case "`":
                guard current.isEmpty, !sawQuotedSegment else {
                    throw FieldPathError(path: text, reason: "a backtick may only start a segment")
                }
                quoted = true
                sawQuotedSegment = true
            default:
                guard !sawQuotedSegment else { throw FieldPathError(path: text, reason: "characters after a closing backtick") }
                current.unicodeScalars.append(scalar)
            }
        }
        guard !quoted else { throw FieldPathError(path: text, reason: "unterminated backtick") }
        guard !current.isEmpty || sawQuotedSegment else { throw FieldPathError(path: text, reason: "empty segment") }
        segments.append(current)
        self.segments = segments
    }

    /// The form Firestore expects in masks and queries.
    public var encoded: String {
        segments.map(FieldPath.encodeSegment).joined(separator: ".")
    }

    public var description: String { encoded }

    public func appending(_ segment: String) -> FieldPath { FieldPath(segments + [segment]) }

    public static func < (lhs: FieldPath, rhs: FieldPath) -> Bool {
        lhs.segments.lexicographicallyPrecedes(rhs.segments) { Value.compareBytes($0.utf8, $1.utf8) < 0 }
    }

    static func isSimple(_ segment: String) -> Bool {
        guard let first = segment.utf8.first, !(48...57).contains(first) else { return false }
        return segment.utf8.allSatisfy { c in
            (65...90).contains(c) || (97...122).contains(c) || (48...57).contains(c) || c == 95
        }
    }

    static func encodeSegment(_ segment: String) -> String {
        if isSimple(segment) { return segment }
        var out = "`"
        for scalar in segment.unicodeScalars {
            if scalar == "`" || scalar == "\\" { out.unicodeScalars.append("\\") }
            out.unicodeScalars.append(scalar)
        }
        return out + "`"
    }
}

/// A field path that cannot be parsed.
public struct FieldPathError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String {
        "invalid field path \"\(path)\": \(reason) (quote segments that are not plain names with backticks, e.g. `my.key`)"
    }
}
