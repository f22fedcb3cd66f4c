import Firestore

/// Before- and after-images of the fields one write touches, as exact REST JSON text.
enum DocumentImage {
    /// The value of every path in `paths` that `document` holds; absent paths are left out.
    static func before(of document: Document, paths: [FieldPath]) -> [String: String] {
        var image: [String: String] = [:]
        for path in paths {
            if let value = document[path] { image[path.encoded] = value.json.text }
        }
        return image
    }

    /// The values a change writes, by path; removed paths are left out.
    static func after(of change: DocumentChange) -> [String: String] {
        var image: [String: String] = [:]
        for update in change.updates {
            if let value = update.newValue { image[update.path.encoded] = value.json.text }
        }
        return image
    }

    /// The journal entry for writing `change` to `document`.
    static func entry(for document: Document, change: DocumentChange, migrationID: String) -> JournalEntry {
        JournalEntry(
            document: document.name, migrationID: migrationID,
            fields: change.touchedPaths.map(\.encoded),
            before: before(of: document, paths: change.touchedPaths),
            after: after(of: change),
            serverTimestampFields: change.serverTimestamps.map(\.encoded),
            readUpdateTime: document.updateTime?.rfc3339 ?? "")
    }

    /// Decodes one stored REST JSON value.
    static func value(_ text: String) throws -> Value {
        try Value(json: try JSON.parse(text))
    }

    /// The migration's write for `change`: update mask, values, server timestamps and the
    /// `updateTime` precondition of the version that was read.
    static func write(for document: Document, change: DocumentChange) -> Write {
        Write.update(
            document.name, fields: change.updateFields, mask: change.updateMask,
            precondition: document.updateTime.map { .updateTime($0) } ?? .exists(true),
            transforms: change.serverTimestamps.map { .serverTimestamp($0) })
    }
}
