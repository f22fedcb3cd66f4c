import Firestore

/// The journal's entry rows as JSON text, through the client's own JSON codec.
///
/// Every document a run writes is encoded once and, on resume or rollback, decoded once; Foundation's
/// JSONEncoder took 8% of an execute's CPU for it. The keys are the `Codable` ones, so rows written
/// either way read back the same, and SQL can update `state` and `writtenUpdateTime` in place.
extension JournalEntry {
    var jsonText: String {
        var object: [String: JSON] = [
            "document": .string(document),
            "migrationID": .string(migrationID),
            "fields": .array(fields.map(JSON.string)),
            "before": .object(before.mapValues(JSON.string)),
            "after": .object(after.mapValues(JSON.string)),
            "serverTimestampFields": .array(serverTimestampFields.map(JSON.string)),
            "readUpdateTime": .string(readUpdateTime),
            "state": .string(state.rawValue),
        ]
        if let writtenUpdateTime { object["writtenUpdateTime"] = .string(writtenUpdateTime) }
        return JSON.object(object).text
    }

    init(jsonText text: String) throws {
        let json = try JSON.parse(text)
        func string(_ key: String) throws -> String {
            guard let value = json[key]?.stringValue else { throw JournalDecodingError(key: key, text: text) }
            return value
        }
        func strings(_ key: String) throws -> [String] {
            guard let values = json[key]?.arrayValue else { throw JournalDecodingError(key: key, text: text) }
            return try values.map { value in
                guard let string = value.stringValue else { throw JournalDecodingError(key: key, text: text) }
                return string
            }
        }
        func map(_ key: String) throws -> [String: String] {
            guard case .object(let members)? = json[key] else { throw JournalDecodingError(key: key, text: text) }
            return try members.mapValues { value in
                guard let string = value.stringValue else { throw JournalDecodingError(key: key, text: text) }
                return string
            }
        }
        self.init(document: try string("document"), migrationID: try string("migrationID"), fields: try strings("fields"),
                  before: try map("before"), after: try map("after"), serverTimestampFields: try strings("serverTimestampFields"),
                  readUpdateTime: try string("readUpdateTime"))
        writtenUpdateTime = json["writtenUpdateTime"]?.stringValue
        guard let state = State(rawValue: try string("state")) else { throw JournalDecodingError(key: "state", text: text) }
        self.state = state
    }
}

/// A journal row that is not a journal entry: the file was edited or damaged.
struct JournalDecodingError: Error, CustomStringConvertible {
    var key: String
    var text: String
    var description: String { "a journal entry without a valid \"\(key)\": \(text.prefix(200))" }
}
