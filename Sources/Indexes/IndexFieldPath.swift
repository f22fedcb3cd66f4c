/// Field path syntax as Firestore defines it ("Constraints on field paths", Firestore docs: data
/// model / quotas): dot-separated segments, each either a simple name (`[A-Za-z_][A-Za-z0-9_]*`) or
/// a back-quoted name with `\`` and `\\` escapes; no segment of the form `__…__` except the whole
/// path `__name__` (the document ID); at most 1,500 bytes.
public enum IndexFieldPath {
    /// The path Firestore uses for the document name in orderings and indexes.
    public static let documentID = "__name__"
    /// Firestore's limit on a field path's length in bytes.
    public static let maximumBytes = 1500

    /// The unquoted segments of a valid path.
    ///
    /// - Returns: the segments, or a sentence saying what is wrong.
    public static func segments(of path: String) -> Result<[String], IndexFieldPathError> {
        if path.isEmpty { return .failure(IndexFieldPathError("the field path is empty")) }
        if path == documentID { return .success([documentID]) }
        if path.utf8.count > maximumBytes {
            return .failure(IndexFieldPathError("the field path is \(path.utf8.count) bytes long; Firestore allows \(maximumBytes)"))
        }
        var segments: [String] = []
        var characters = Array(path)[...]
        while true {
            let segment: String
            if characters.first == "`" {
                characters = characters.dropFirst()
                var name = ""
                var closed = false
                while let character = characters.first {
                    characters = characters.dropFirst()
                    if character == "\\" {
                        guard let escaped = characters.first, escaped == "`" || escaped == "\\" else {
                            return .failure(IndexFieldPathError("only \\` and \\\\ may be escaped inside a back-quoted name"))
                        }
                        name.append(escaped)
                        characters = characters.dropFirst()
                    } else if character == "`" {
                        closed = true
                        break
                    } else {
                        name.append(character)
                    }
                }
                if !closed { return .failure(IndexFieldPathError("a back-quoted name is not closed")) }
                if name.isEmpty { return .failure(IndexFieldPathError("a back-quoted name is empty")) }
                segment = name
            } else {
                let name = String(characters.prefix { $0 != "." })
                characters = characters.dropFirst(name.count)
                if name.isEmpty {
                    return .failure(IndexFieldPathError("empty segment (two dots, or a dot at the start or end)"))
                }
                guard isSimpleName(name) else {
                    return .failure(IndexFieldPathError(
                        "segment \"\(name)\" is not a simple name (letters, digits, _; not starting with a digit): back-quote it as `\(name)`"))
                }
                segment = name
            }
            if segment.count >= 4, segment.hasPrefix("__"), segment.hasSuffix("__") {
                return .failure(IndexFieldPathError("segment \"\(segment)\" is reserved: Firestore forbids names of the form __…__"))
            }
            segments.append(segment)
            guard let next = characters.first else { return .success(segments) }
            guard next == "." else {
                return .failure(IndexFieldPathError("expected '.' after segment \"\(segment)\", found '\(next)'"))
            }
            characters = characters.dropFirst()
            if characters.isEmpty { return .failure(IndexFieldPathError("the field path ends with a dot")) }
        }
    }

    /// Whether `path` is a valid field path.
    public static func isValid(_ path: String) -> Bool {
        if case .success = segments(of: path) { return true }
        return false
    }

    /// Whether `ancestor` is `path` itself or a map field that contains it (`a` contains `a.b`).
    public static func isSelfOrAncestor(_ ancestor: String, of path: String) -> Bool {
        guard case .success(let outer) = segments(of: ancestor),
              case .success(let inner) = segments(of: path) else { return ancestor == path }
        return inner.starts(with: outer)
    }

    static func isSimpleName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
        }
    }
}

/// Why a field path is not valid.
public struct IndexFieldPathError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
