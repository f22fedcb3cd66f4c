import Foundation

/// An index file as read from disk: the model plus where each entry starts, so later findings
/// (coverage, diff) can point at a line too.
public struct LoadedIndexFile: Sendable {
    public var fileName: String
    public var file: IndexFile
    /// Where each element of `file.indexes` starts.
    public var indexPositions: [SourcePosition]
    /// Where each element of `file.fieldOverrides` starts.
    public var overridePositions: [SourcePosition]

    /// A reference to an index for messages: `index #3 (trades, line 24)`.
    public func reference(toIndexAt offset: Int) -> String {
        let index = file.indexes[offset]
        return "index #\(offset + 1) (\(index.collectionGroup), line \(indexPositions[offset].line))"
    }
}

extension IndexFile {
    /// Reads and validates an index file.
    ///
    /// - Throws: `IndexFileError` listing every problem with its line, or the same error with one
    ///   issue when the file cannot be read.
    public static func load(path: String) throws(IndexFileError) -> LoadedIndexFile {
        let name = (path as NSString).lastPathComponent
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw IndexFileError(issues: [IndexFileIssue(
                file: path, position: SourcePosition(line: 1, column: 1), subject: "", rule: .syntax,
                reason: "cannot read the file (\(error.localizedDescription)); pass the path of firestore.indexes.json")])
        }
        return try parse(text, fileName: name)
    }

    /// Parses and validates index file text.
    ///
    /// Validation goes on after the first problem, so one run lists everything to fix.
    /// - Throws: `IndexFileError` with every issue found, in file order.
    public static func parse(_ text: String, fileName: String = "firestore.indexes.json") throws(IndexFileError) -> LoadedIndexFile {
        let json: PositionedJSON
        do {
            json = try PositionedJSON.parse(text)
        } catch {
            throw IndexFileError(issues: [IndexFileIssue(
                file: fileName, position: error.position, subject: "", rule: .syntax,
                reason: "invalid JSON: \(error.message)")])
        }
        var validator = IndexFileValidator(fileName: fileName)
        let loaded = validator.validateFile(json)
        if !validator.issues.isEmpty { throw IndexFileError(issues: validator.issues) }
        return loaded
    }
}

/// Walks the positioned JSON tree, building the model and collecting issues.
struct IndexFileValidator {
    let fileName: String
    var issues: [IndexFileIssue] = []

    static let apiScopes: Set<String> = ["ANY_API", "DATASTORE_MODE_API", "MONGODB_COMPATIBLE_API"]
    static let densities: Set<String> = ["SPARSE_ALL", "SPARSE_ANY", "DENSE"]

    init(fileName: String) {
        self.fileName = fileName
    }

    mutating func report(_ position: SourcePosition, _ subject: String, _ rule: IndexFileIssue.Rule, _ reason: String) {
        issues.append(IndexFileIssue(file: fileName, position: position, subject: subject, rule: rule, reason: reason))
    }

    /// The members of an object by key (first occurrence), after reporting unknown and repeated keys.
    mutating func object(
        _ json: PositionedJSON, _ subject: String, allowed: [String], what: String
    ) -> [String: PositionedJSON]? {
        guard let members = json.members else {
            report(json.position, subject, .wrongType, "\(what) must be an object, found \(json.kindName)")
            return nil
        }
        var byKey: [String: PositionedJSON] = [:]
        for member in members {
            if byKey[member.key] != nil {
                report(member.keyPosition, subject, .duplicateKey, "key \"\(member.key)\" is given twice; keep one")
                continue
            }
            if !allowed.contains(member.key) {
                let known = allowed.map { "\"\($0)\"" }.joined(separator: ", ")
                report(member.keyPosition, subject, .unknownKey, "unknown key \"\(member.key)\" in \(what); known keys: \(known)")
                continue
            }
            byKey[member.key] = member.value
        }
        return byKey
    }

    mutating func requiredString(
        _ members: [String: PositionedJSON], _ key: String, in parent: PositionedJSON, _ subject: String
    ) -> (String, SourcePosition)? {
        guard let value = members[key] else {
            report(parent.position, subject, .missingKey, "missing \"\(key)\"")
            return nil
        }
        return string(value, key, subject)
    }

    mutating func string(_ value: PositionedJSON, _ key: String, _ subject: String) -> (String, SourcePosition)? {
        guard let string = value.stringValue else {
            report(value.position, subject, .wrongType, "\"\(key)\" must be a string, found \(value.kindName)")
            return nil
        }
        return (string, value.position)
    }

    mutating func optionalBool(_ members: [String: PositionedJSON], _ key: String, _ subject: String) -> Bool? {
        guard let value = members[key] else { return nil }
        guard let bool = value.boolValue else {
            report(value.position, subject, .wrongType, "\"\(key)\" must be true or false, found \(value.kindName)")
            return nil
        }
        return bool
    }

    mutating func optionalEnum(
        _ members: [String: PositionedJSON], _ key: String, _ allowed: Set<String>, _ subject: String
    ) -> String? {
        guard let value = members[key], let (string, position) = string(value, key, subject) else { return nil }
        guard allowed.contains(string) else {
            report(position, subject, .unknownEnumValue,
                   "unknown \(key) \"\(string)\"; use one of \(allowed.sorted().joined(separator: ", "))")
            return nil
        }
        return string
    }

    mutating func queryScope(_ value: PositionedJSON, _ subject: String) -> QueryScope? {
        guard let (string, position) = string(value, "queryScope", subject) else { return nil }
        guard let scope = QueryScope(rawValue: string) else {
            report(position, subject, .unknownQueryScope,
                   "unknown queryScope \"\(string)\"; use COLLECTION or COLLECTION_GROUP")
            return nil
        }
        return scope
    }

    mutating func collectionGroup(_ name: String, at position: SourcePosition, _ subject: String) -> Bool {
        let problem: String? =
            if name.isEmpty { "collectionGroup is empty" }
            else if name.contains("/") { "collectionGroup \"\(name)\" contains '/': give the collection ID only, not a path" }
            else if name == "." || name == ".." { "collectionGroup \"\(name)\" is not a valid collection ID" }
            else if name.count >= 4 && name.hasPrefix("__") && name.hasSuffix("__") {
                "collectionGroup \"\(name)\" is reserved: Firestore forbids IDs of the form __…__"
            } else { nil }
        if let problem { report(position, subject, .invalidCollectionGroup, problem) }
        return problem == nil
    }

    mutating func validateFile(_ json: PositionedJSON) -> LoadedIndexFile {
        var loaded = LoadedIndexFile(fileName: fileName, file: IndexFile(indexes: []), indexPositions: [], overridePositions: [])
        guard let top = object(json, "", allowed: ["indexes", "fieldOverrides"], what: "the file") else { return loaded }
        if let indexes = top["indexes"] {
            if let elements = indexes.elements {
                for (offset, element) in elements.enumerated() {
                    if let index = validateIndex(element, number: offset + 1) {
                        checkDuplicate(index, at: element.position, number: offset + 1, against: loaded)
                        loaded.file.indexes.append(index)
                        loaded.indexPositions.append(element.position)
                    }
                }
            } else {
                report(indexes.position, "", .wrongType, "\"indexes\" must be an array, found \(indexes.kindName)")
            }
        } else {
            report(json.position, "", .missingKey, "missing \"indexes\" (use [] when there are none)")
        }
        if let overrides = top["fieldOverrides"] {
            if let elements = overrides.elements {
                for (offset, element) in elements.enumerated() {
                    guard let override = validateOverride(element, number: offset + 1) else { continue }
                    if let first = loaded.file.fieldOverrides.firstIndex(where: {
                        $0.collectionGroup == override.collectionGroup && $0.fieldPath == override.fieldPath
                    }) {
                        report(element.position, "field override #\(offset + 1) (\(override.collectionGroup).\(override.fieldPath))",
                               .duplicateOverride,
                               "the same field as field override #\(first + 1) (line \(loaded.overridePositions[first].line)); merge them")
                        continue
                    }
                    loaded.file.fieldOverrides.append(override)
                    loaded.overridePositions.append(element.position)
                }
            } else {
                report(overrides.position, "", .wrongType, "\"fieldOverrides\" must be an array, found \(overrides.kindName)")
            }
        }
        return loaded
    }

    private mutating func checkDuplicate(_ index: CompositeIndex, at position: SourcePosition, number: Int, against loaded: LoadedIndexFile) {
        guard let first = loaded.file.indexes.firstIndex(where: { $0.definitionKey == index.definitionKey }) else { return }
        report(position, "index #\(number) (\(index.collectionGroup))", .duplicateIndex,
               "duplicate of \(loaded.reference(toIndexAt: first)); remove one")
    }
}
