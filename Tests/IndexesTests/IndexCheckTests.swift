import XCTest
@testable import Indexes

/// `indexes check` end to end on files on disk: outcome and exit class for good and broken files.
final class IndexCheckTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("idx-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func write(_ text: String, _ name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func testShippedFilesPass() {
        let result = IndexCheck(indexFilePath: RepoFiles.indexFilePath, queriesFilePath: RepoFiles.queriesFilePath).run()
        XCTAssertEqual(result.outcome, .ok, "\(result.fileErrors) \(result.coverage?.gaps.map(\.summary) ?? [])")
    }

    func testBrokenIndexFileIsBrokenFile() throws {
        let text = try RepoFiles.text(RepoFiles.indexFilePath).replacingOccurrences(of: "\"DESCENDING\"", with: "\"DESC\"")
        let result = IndexCheck(indexFilePath: try write(text, "firestore.indexes.json"), queriesFilePath: RepoFiles.queriesFilePath).run()
        XCTAssertEqual(result.outcome, .brokenFile)
        XCTAssertEqual(result.fileErrors.map(\.line), [9, 18, 27, 35, 44])
    }

    func testDroppedIndexInFileIsAGap() throws {
        var lines = try RepoFiles.text(RepoFiles.indexFilePath).components(separatedBy: "\n")
        lines.removeSubrange(29...36)  // the conversations index, and the comma before it
        lines[28] = "    },"
        let path = try write(lines.joined(separator: "\n"), "firestore.indexes.json")
        let result = IndexCheck(indexFilePath: path, queriesFilePath: RepoFiles.queriesFilePath).run()
        XCTAssertEqual(result.outcome, .gaps, "\(result.fileErrors)")
        XCTAssertEqual(result.coverage?.gaps.map(\.query.name), ["conversations-inbox"])
    }

    func testMissingExemptionIsAGap() throws {
        let text = try RepoFiles.text(RepoFiles.indexFilePath)
            .replacingOccurrences(of: "    {\"collectionGroup\": \"notifications\", \"fieldPath\": \"migratedAt\", \"indexes\": []}\n", with: "")
            .replacingOccurrences(of: "\"indexes\": []},\n  ]", with: "\"indexes\": []}\n  ]")
        let result = IndexCheck(indexFilePath: try write(text, "firestore.indexes.json"), queriesFilePath: RepoFiles.queriesFilePath).run()
        XCTAssertEqual(result.fileErrors, [])
        XCTAssertEqual(result.missingExemptions, ["notifications"])
        XCTAssertEqual(result.outcome, .gaps)
    }

    func testMissingFileIsBrokenFile() {
        let result = IndexCheck(indexFilePath: directory.appendingPathComponent("nope.json").path, queriesFilePath: RepoFiles.queriesFilePath).run()
        XCTAssertEqual(result.outcome, .brokenFile)
    }
}
