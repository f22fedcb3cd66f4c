import Foundation

/// The repository's own files, found from this source file's location.
enum RepoFiles {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var indexFilePath: String { root.appendingPathComponent("firestore.indexes.json").path }
    static var queriesFilePath: String { root.appendingPathComponent("critical-queries.json").path }

    static func text(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }
}
