import Testing
@testable import Firestore

@Suite struct FieldPathTests {
    @Test func quotesSegmentsThatAreNotPlainNames() {
        #expect(FieldPath(["participants", "creator"]).encoded == "participants.creator")
        #expect(FieldPath(["a.b", "1x", "_ok9"]).encoded == "`a.b`.`1x`._ok9")
        #expect(FieldPath(["back`tick", #"back\slash"#]).encoded == #"`back\`tick`.`back\\slash`"#)
        #expect(FieldPath(["", "é"]).encoded == "``.`é`")
    }

    @Test func parsingInvertsEncoding() throws {
        let paths = [FieldPath(["a"]), FieldPath(["a.b", "`", "\\", "", "c d", "😀"]), FieldPath.documentID]
        for path in paths {
            #expect(try FieldPath(parsing: path.encoded) == path)
        }
        #expect(try FieldPath(parsing: "a.`b.c`.d").segments == ["a", "b.c", "d"])
    }

    @Test func rejectsMalformedPaths() {
        for bad in ["", "a..b", ".a", "a.", "`unterminated", "a`b`", "`a`b", "`a\\"] {
            #expect(throws: FieldPathError.self, "accepted \(bad)") { try FieldPath(parsing: bad) }
        }
    }
}
