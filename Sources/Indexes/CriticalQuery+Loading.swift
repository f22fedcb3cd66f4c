import Firestore
import Foundation

/// The queries of `critical-queries.json`, in file order, with where each one starts.
public struct CriticalQueryFile: Sendable {
    public var fileName: String
    public var queries: [CriticalQuery]
    public var positions: [SourcePosition]

    /// Reads and validates a critical-queries file.
    ///
    /// - Throws: `IndexFileError` listing every problem with its line (the same issue type as the
    ///   index file, so both files' problems print alike).
    public static func load(path: String) throws(IndexFileError) -> CriticalQueryFile {
        let name = (path as NSString).lastPathComponent
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw IndexFileError(issues: [IndexFileIssue(
                file: path, position: SourcePosition(line: 1, column: 1), subject: "", rule: .syntax,
                reason: "cannot read the file; pass the path of critical-queries.json")])
        }
        return try parse(text, fileName: name)
    }

    /// Parses and validates the text of a critical-queries file.
    public static func parse(_ text: String, fileName: String = "critical-queries.json") throws(IndexFileError) -> CriticalQueryFile {
        let json: PositionedJSON
        do {
            json = try PositionedJSON.parse(text)
        } catch {
            throw IndexFileError(issues: [IndexFileIssue(
                file: fileName, position: error.position, subject: "", rule: .syntax, reason: "invalid JSON: \(error.message)")])
        }
        var validator = IndexFileValidator(fileName: fileName)
        var file = CriticalQueryFile(fileName: fileName, queries: [], positions: [])
        if let top = validator.object(json, "", allowed: ["queries"], what: "the file") {
            if let list = top["queries"]?.elements {
                for (offset, element) in list.enumerated() {
                    guard let query = validator.validateQuery(element, number: offset + 1) else { continue }
                    if let first = file.queries.firstIndex(where: { $0.name == query.name }) {
                        validator.report(element.position, "query #\(offset + 1) (\(query.name))", .duplicateKey,
                                         "the name is already used by query #\(first + 1) (line \(file.positions[first].line)); names must be unique")
                        continue
                    }
                    file.queries.append(query)
                    file.positions.append(element.position)
                }
            } else {
                validator.report(json.position, "", .missingKey, "\"queries\" must be an array of queries")
            }
        }
        if !validator.issues.isEmpty { throw IndexFileError(issues: validator.issues) }
        return file
    }
}

extension IndexFileValidator {
    static let queryKeys = ["name", "description", "collection", "allDescendants", "where", "orderBy", "limit", "parameters"]

    mutating func validateQuery(_ json: PositionedJSON, number: Int) -> CriticalQuery? {
        var subject = "query #\(number)"
        guard let members = object(json, subject, allowed: Self.queryKeys, what: "a query") else { return nil }
        let before = issues.count
        let name = members["name"]?.stringValue ?? ""
        if !name.isEmpty { subject += " (\(name))" }
        _ = requiredString(members, "name", in: json, subject)
        var query = CriticalQuery(name: name, collection: "")
        if let (collection, position) = requiredString(members, "collection", in: json, subject),
           collectionGroup(collection, at: position, subject) {
            query.collection = collection
        }
        if let value = members["description"], let (text, _) = string(value, "description", subject) { query.description = text }
        query.allDescendants = optionalBool(members, "allDescendants", subject) ?? false
        if let value = members["limit"] {
            if let limit = value.integerValue, limit > 0 { query.limit = limit } else {
                report(value.position, subject, .wrongType, "\"limit\" must be a whole number above 0")
            }
        }
        if let value = members["parameters"] {
            if let entries = value.members {
                for entry in entries {
                    if let sample = sampleValue(entry.value, subject) { query.parameters[entry.key] = sample }
                }
            } else {
                report(value.position, subject, .wrongType, "\"parameters\" must be an object of sample values")
            }
        }
        for element in members["where"].map({ list($0, "where", subject) }) ?? [] {
            if let filter = validateFilter(element, subject, parameters: query.parameters) { query.filters.append(filter) }
        }
        for element in members["orderBy"].map({ list($0, "orderBy", subject) }) ?? [] {
            guard let order = object(element, subject, allowed: ["field", "direction"], what: "an orderBy entry"),
                  let field = fieldPath(order, in: element, subject) else { continue }
            var direction = SortDirection.ascending
            if let value = order["direction"], let (text, position) = string(value, "direction", subject) {
                if let parsed = SortDirection(rawValue: text) { direction = parsed } else {
                    report(position, subject, .unknownOrder, "unknown direction \"\(text)\"; use ASCENDING or DESCENDING")
                }
            }
            query.orderBy.append(CriticalQuery.Order(field, direction))
        }
        return issues.count == before ? query : nil
    }

    private mutating func list(_ json: PositionedJSON, _ key: String, _ subject: String) -> [PositionedJSON] {
        guard let elements = json.elements else {
            report(json.position, subject, .wrongType, "\"\(key)\" must be an array, found \(json.kindName)")
            return []
        }
        return elements
    }

    private mutating func fieldPath(_ members: [String: PositionedJSON], in json: PositionedJSON, _ subject: String) -> String? {
        guard let (path, position) = requiredString(members, "field", in: json, subject) else { return nil }
        if case .failure(let problem) = IndexFieldPath.segments(of: path) {
            report(position, subject, .invalidFieldPath, "field \"\(path)\" is not valid: \(problem)")
            return nil
        }
        return path
    }

    private mutating func validateFilter(
        _ json: PositionedJSON, _ subject: String, parameters: [String: Value]
    ) -> CriticalQuery.Filter? {
        guard let members = object(json, subject, allowed: ["field", "op", "value", "parameter"], what: "a where entry"),
              let field = fieldPath(members, in: json, subject),
              let (opText, opPosition) = requiredString(members, "op", in: json, subject) else { return nil }
        guard let op = CriticalQuery.Operator(rawValue: opText) else {
            let known = CriticalQuery.Operator.allCases.map(\.rawValue).joined(separator: " ")
            report(opPosition, subject, .unknownEnumValue, "unknown operator \"\(opText)\"; use one of: \(known)")
            return nil
        }
        switch (members["value"], members["parameter"]) {
        case (let value?, nil):
            guard let sample = sampleValue(value, subject) else { return nil }
            if op.takesList && sample.arrayValue == nil {
                report(value.position, subject, .wrongType, "\"\(op.rawValue)\" needs an array of values")
                return nil
            }
            return CriticalQuery.Filter(field, op, .value(sample))
        case (nil, let parameter?):
            guard let (name, position) = string(parameter, "parameter", subject) else { return nil }
            guard parameters[name] != nil else {
                report(position, subject, .missingKey, "parameter \"\(name)\" has no sample value in \"parameters\"")
                return nil
            }
            return CriticalQuery.Filter(field, op, .parameter(name))
        default:
            report(json.position, subject, .missingKey, "give exactly one of \"value\" and \"parameter\"")
            return nil
        }
    }

    /// A sample value: a plain JSON literal, or an object in Firestore's REST value form
    /// (`{"timestampValue": "2024-03-01T10:00:00Z"}`) for types JSON cannot spell.
    private mutating func sampleValue(_ json: PositionedJSON, _ subject: String) -> Value? {
        switch json.value {
        case .null: return .null
        case .bool(let bool): return .boolean(bool)
        case .string(let string): return .string(string)
        case .number(let number, let literal):
            if let integer = Int64(literal) { return .integer(integer) }
            return .double(number)
        case .array(let elements):
            var values: [Value] = []
            for element in elements {
                guard let value = sampleValue(element, subject) else { return nil }
                values.append(value)
            }
            return .array(values)
        case .object:
            do {
                return try Value(json: json.firestoreJSON)
            } catch {
                report(json.position, subject, .wrongType, "not a Firestore value: \(error.reason)")
                return nil
            }
        }
    }
}

extension PositionedJSON {
    /// The same tree as the Firestore client's exact JSON type (positions dropped).
    var firestoreJSON: JSON {
        switch value {
        case .object(let members): .object(Dictionary(members.map { ($0.key, $0.value.firestoreJSON) }, uniquingKeysWith: { first, _ in first }))
        case .array(let elements): .array(elements.map(\.firestoreJSON))
        case .string(let string): .string(string)
        case .number(_, let literal): .number(literal)
        case .bool(let bool): .bool(bool)
        case .null: .null
        }
    }
}
