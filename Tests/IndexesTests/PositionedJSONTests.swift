import XCTest
@testable import Indexes

final class PositionedJSONTests: XCTestCase {
    private func syntaxError(_ text: String) -> JSONSyntaxError? {
        do {
            _ = try PositionedJSON.parse(text)
            return nil
        } catch {
            return error
        }
    }

    func testValuesAndPositions() throws {
        let json = try PositionedJSON.parse("{\n  \"a\": [1, -2.5e3, true, null],\n  \"ü\": \"x\\u00e9\\ud83d\\ude00\\n\"\n}")
        XCTAssertEqual(json.position, SourcePosition(line: 1, column: 1))
        let members = try XCTUnwrap(json.members)
        XCTAssertEqual(members.map(\.key), ["a", "ü"])
        XCTAssertEqual(members[0].keyPosition, SourcePosition(line: 2, column: 3))
        let array = try XCTUnwrap(json["a"]?.elements)
        XCTAssertEqual(array.map(\.position.column), [9, 12, 20, 26])
        XCTAssertEqual(array[0].integerValue, 1)
        XCTAssertNil(array[1].integerValue)
        if case .number(let value, let literal) = array[1].value {
            XCTAssertEqual(value, -2500)
            XCTAssertEqual(literal, "-2.5e3")
        } else { XCTFail() }
        XCTAssertEqual(json["ü"]?.stringValue, "xé😀\n")
        XCTAssertEqual(members[1].value.position, SourcePosition(line: 3, column: 8))
    }

    func testDuplicateKeysAreKept() throws {
        let json = try PositionedJSON.parse("{\"a\": 1, \"a\": 2}")
        XCTAssertEqual(json.members?.count, 2)
        XCTAssertEqual(json["a"]?.integerValue, 1)
    }

    func testColumnsCountCharactersNotBytes() {
        XCTAssertEqual(syntaxError("{\"é\": x}")?.position, SourcePosition(line: 1, column: 7))
    }

    func testSyntaxErrors() {
        XCTAssertEqual(syntaxError("")?.message, "expected a value, found the end of the file")
        XCTAssertEqual(syntaxError("[1,]")?.message, "trailing comma before ']'")
        XCTAssertEqual(syntaxError("{\"a\" 1}")?.message, "expected ':' after key \"a\", found '1'")
        XCTAssertEqual(syntaxError("\"abc")?.message, "unterminated string")
        XCTAssertEqual(syntaxError("\"a\tb\"")?.position, SourcePosition(line: 1, column: 3))
        XCTAssertEqual(syntaxError("01")?.message, "unexpected '1' after the end of the JSON value")
        XCTAssertEqual(syntaxError("1.")?.message, "expected a digit after '.'")
        XCTAssertEqual(syntaxError("\"\\ud800\"")?.message, "lone high surrogate \\ud800")
        XCTAssertEqual(syntaxError("\"\\q\"")?.message, "invalid escape '\\q'")
        XCTAssertEqual(syntaxError("nul")?.message, "invalid literal: expected 'null'")
        XCTAssertEqual(syntaxError("{} {}")?.position, SourcePosition(line: 1, column: 4))
    }

    func testDeepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        XCTAssertEqual(syntaxError(deep)?.message, "nesting deeper than 256 levels")
    }

    func testFieldPathRules() {
        XCTAssertEqual(try IndexFieldPath.segments(of: "a.`b.c`.`d\\`e`").get(), ["a", "b.c", "d`e"])
        XCTAssertEqual(try IndexFieldPath.segments(of: "__name__").get(), ["__name__"])
        XCTAssertFalse(IndexFieldPath.isValid("1abc"))
        XCTAssertFalse(IndexFieldPath.isValid("a.__x__"))
        XCTAssertFalse(IndexFieldPath.isValid("`a"))
        XCTAssertFalse(IndexFieldPath.isValid("`a`b"))
        XCTAssertFalse(IndexFieldPath.isValid(String(repeating: "a", count: 1501)))
        XCTAssertTrue(IndexFieldPath.isSelfOrAncestor("participants", of: "participants.creator"))
        XCTAssertFalse(IndexFieldPath.isSelfOrAncestor("participant", of: "participants.creator"))
    }
}
