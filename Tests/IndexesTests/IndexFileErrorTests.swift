import XCTest
@testable import Indexes

/// One test per rule of the index file: each broken file names the rule, the line, and the entry.
final class IndexFileErrorTests: XCTestCase {
    /// A valid two-field index, laid out one key per line so line numbers are easy to predict.
    private func file(indexes: String, overrides: String = "") -> String {
        """
        {
          "indexes": [
        \(indexes)
          ]\(overrides.isEmpty ? "" : ",\n  \"fieldOverrides\": [\n\(overrides)\n  ]")
        }
        """
    }

    private func issues(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> [IndexFileIssue] {
        do {
            _ = try IndexFile.parse(text)
            XCTFail("expected the file to be rejected", file: file, line: line)
            return []
        } catch {
            return error.issues
        }
    }

    private func assertOne(
        _ text: String, rule: IndexFileIssue.Rule, line expectedLine: Int, subject: String? = nil, mentions: String? = nil,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let found = issues(text, file: file, line: line)
        XCTAssertEqual(found.count, 1, "\(found)", file: file, line: line)
        guard let issue = found.first else { return }
        XCTAssertEqual(issue.rule, rule, "\(issue)", file: file, line: line)
        XCTAssertEqual(issue.line, expectedLine, "\(issue)", file: file, line: line)
        if let subject { XCTAssertTrue(issue.subject.hasPrefix(subject), "\(issue)", file: file, line: line) }
        if let mentions { XCTAssertTrue(issue.description.contains(mentions), "\(issue)", file: file, line: line) }
        XCTAssertTrue(issue.description.hasPrefix("firestore.indexes.json:\(expectedLine):"), issue.description, file: file, line: line)
    }

    private let good = """
        {"collectionGroup": "trades", "queryScope": "COLLECTION", "fields": [
          {"fieldPath": "status", "order": "ASCENDING"},
          {"fieldPath": "createdAt", "order": "DESCENDING"}
        ]}
    """

    func testShippedFileParses() throws {
        let loaded = try IndexFile.load(path: RepoFiles.indexFilePath)
        XCTAssertEqual(loaded.file.indexes.count, 5)
        XCTAssertEqual(loaded.file.fieldOverrides.count, 3)
        XCTAssertEqual(loaded.file.indexes[2].fields[0], IndexField("skillsOffered", .arrayContains))
        XCTAssertEqual(loaded.indexPositions[0].line, 3)
    }

    func testBadJSONNamesLineAndColumn() {
        let text = file(indexes: good + ",\n    {\"collectionGroup\": \"trades\" \"queryScope\": \"COLLECTION\"}")
        let found = issues(text)
        XCTAssertEqual(found.map(\.rule), [.syntax])
        XCTAssertEqual(found.first?.position, SourcePosition(line: 7, column: 34))
        XCTAssertTrue(found.first?.reason.contains("expected ',' or '}'") ?? false, "\(found)")
    }

    func testTrailingCommaIsBadJSON() {
        let found = issues(file(indexes: good + ","))
        XCTAssertEqual(found.first?.rule, .syntax)
        XCTAssertEqual(found.first?.line, 7)
    }

    func testUnknownOrder() {
        let text = file(indexes: good.replacingOccurrences(of: "\"DESCENDING\"", with: "\"DESC\""))
        assertOne(text, rule: .unknownOrder, line: 5, subject: "index #1 (trades), field 2", mentions: "use ASCENDING or DESCENDING")
    }

    func testOrderAndArrayConfigBoth() {
        let text = file(indexes: good.replacingOccurrences(
            of: "{\"fieldPath\": \"status\", \"order\": \"ASCENDING\"}",
            with: "{\"fieldPath\": \"status\", \"order\": \"ASCENDING\", \"arrayConfig\": \"CONTAINS\"}"))
        assertOne(text, rule: .conflictingIndexModes, line: 4, subject: "index #1 (trades), field 1")
    }

    func testFieldWithoutMode() {
        let text = file(indexes: good.replacingOccurrences(of: ", \"order\": \"ASCENDING\"", with: ""))
        assertOne(text, rule: .noIndexMode, line: 4, subject: "index #1 (trades), field 1")
    }

    func testUnknownArrayConfig() {
        let text = file(indexes: good.replacingOccurrences(of: "\"order\": \"ASCENDING\"", with: "\"arrayConfig\": \"ANY\""))
        assertOne(text, rule: .unknownArrayConfig, line: 4)
    }

    func testIndexWithOneField() {
        let text = file(indexes: good + """
        ,
            {"collectionGroup": "notifications", "queryScope": "COLLECTION", "fields": [
              {"fieldPath": "userId", "order": "ASCENDING"}
            ]}
        """)
        assertOne(text, rule: .singleField, line: 7, subject: "index #2 (notifications)", mentions: "single-field indexes")
    }

    func testVectorIndexMayHaveOneField() throws {
        let text = file(indexes: """
            {"collectionGroup": "skills", "queryScope": "COLLECTION", "fields": [
              {"fieldPath": "embedding", "vectorConfig": {"dimension": 256, "flat": {}}}
            ]}
        """)
        let loaded = try IndexFile.parse(text)
        XCTAssertEqual(loaded.file.indexes.first?.fields.first?.mode, .vector(dimension: 256))
    }

    func testInvalidVectorDimension() {
        let text = file(indexes: """
            {"collectionGroup": "skills", "queryScope": "COLLECTION", "fields": [
              {"fieldPath": "embedding", "vectorConfig": {"dimension": 0, "flat": {}}}
            ]}
        """)
        assertOne(text, rule: .invalidVectorConfig, line: 4)
    }

    func testDuplicateIndexNamesBoth() {
        let text = file(indexes: good + ",\n" + good)
        assertOne(text, rule: .duplicateIndex, line: 7, subject: "index #2 (trades)", mentions: "index #1 (trades, line 3)")
    }

    func testDuplicateWithExplicitDefaultNameFieldIsStillADuplicate() {
        let withName = good.replacingOccurrences(
            of: "{\"fieldPath\": \"createdAt\", \"order\": \"DESCENDING\"}",
            with: "{\"fieldPath\": \"createdAt\", \"order\": \"DESCENDING\"}, {\"fieldPath\": \"__name__\", \"order\": \"DESCENDING\"}")
        assertOne(file(indexes: good + ",\n" + withName), rule: .duplicateIndex, line: 7)
    }

    func testSameFieldTwiceInOneIndex() {
        let text = file(indexes: good.replacingOccurrences(of: "\"createdAt\"", with: "\"status\""))
        assertOne(text, rule: .duplicateField, line: 5, mentions: "\"status\" appears twice")
    }

    func testInvalidFieldPaths() {
        for (path, hint) in [("created-at", "back-quote it"), ("a..b", "empty segment"), ("__secret__", "reserved"), ("meta.", "ends with a dot")] {
            let text = file(indexes: good.replacingOccurrences(of: "\"createdAt\"", with: "\"\(path)\""))
            assertOne(text, rule: .invalidFieldPath, line: 5, mentions: hint)
        }
        XCTAssertNoThrow(try IndexFile.parse(file(indexes: good.replacingOccurrences(of: "\"createdAt\"", with: "\"`created-at`.x\""))))
    }

    func testUnknownKeyInIndexAndField() {
        let text = file(indexes: good.replacingOccurrences(of: "\"queryScope\": \"COLLECTION\",", with: "\"queryScope\": \"COLLECTION\", \"collection\": \"x\","))
        assertOne(text, rule: .unknownKey, line: 3, mentions: "unknown key \"collection\"")
        let fieldKey = file(indexes: good.replacingOccurrences(of: "\"order\": \"ASCENDING\"", with: "\"order\": \"ASCENDING\", \"mode\": \"ASCENDING\""))
        assertOne(fieldKey, rule: .unknownKey, line: 4)
    }

    func testUnknownTopLevelKey() {
        let text = "{\n  \"indexes\": [],\n  \"fieldOverride\": []\n}"
        assertOne(text, rule: .unknownKey, line: 3, mentions: "\"fieldOverride\"")
    }

    func testMissingQueryScopeAndUnknownScope() {
        assertOne(file(indexes: good.replacingOccurrences(of: "\"queryScope\": \"COLLECTION\", ", with: "")), rule: .missingKey, line: 3)
        assertOne(file(indexes: good.replacingOccurrences(of: "\"COLLECTION\"", with: "\"DATABASE\"")), rule: .unknownQueryScope, line: 3)
    }

    func testDuplicateKeyInObject() {
        let text = file(indexes: good.replacingOccurrences(of: "\"queryScope\": \"COLLECTION\",", with: "\"queryScope\": \"COLLECTION\", \"queryScope\": \"COLLECTION\","))
        assertOne(text, rule: .duplicateKey, line: 3)
    }

    func testCollectionGroupWithSlash() {
        assertOne(file(indexes: good.replacingOccurrences(of: "\"trades\"", with: "\"users/u1/trades\"")), rule: .invalidCollectionGroup, line: 3)
    }

    func testTwoArrayFields() {
        let text = file(indexes: good.replacingOccurrences(of: "\"order\": \"ASCENDING\"", with: "\"arrayConfig\": \"CONTAINS\"")
            .replacingOccurrences(of: "\"order\": \"DESCENDING\"", with: "\"arrayConfig\": \"CONTAINS\""))
        assertOne(text, rule: .multipleArrayFields, line: 5)
    }

    func testFieldOverrideProblems() {
        let overrides = """
            {"collectionGroup": "trades", "fieldPath": "migratedAt", "indexes": []},
            {"collectionGroup": "trades", "fieldPath": "migratedAt", "indexes": []},
            {"collectionGroup": "conversations", "fieldPath": "migratedAt", "indexes": [{"order": "UP"}]},
            {"collectionGroup": "notifications", "fieldPath": "migratedAt", "ttl": "yes", "indexes": []},
            {"collectionGroup": "users", "fieldPath": "bio"}
        """
        let found = issues(file(indexes: good, overrides: overrides))
        XCTAssertEqual(found.map(\.rule), [.duplicateOverride, .unknownOrder, .wrongType, .missingKey])
        XCTAssertEqual(found.map(\.line), [10, 11, 12, 13])
        XCTAssertTrue(found[0].reason.contains("field override #1 (line 9)"), found[0].description)
    }

    func testEveryProblemIsReportedInOneRun() {
        let text = file(indexes: good.replacingOccurrences(of: "\"DESCENDING\"", with: "\"down\"") + """
        ,
            {"collectionGroup": "x", "queryScope": "COLLECTION", "fields": [{"fieldPath": "a", "order": "ASCENDING"}]}
        """)
        XCTAssertEqual(issues(text).map(\.rule), [.unknownOrder, .singleField])
    }
}
