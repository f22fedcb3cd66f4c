import Foundation
import Testing
@testable import Firestore

/// Firestore compares strings by UTF-8 bytes; Swift's `==` by canonical equivalence. The migration's
/// idempotency (no write when the stored value is already the v2 value) rests on the former.
@Suite struct ValueIdentityTests {
    @Test func stringsAreEqualOnlyWhenTheirBytesAre() {
        let precomposed = "Caf\u{E9}", decomposed = "Cafe\u{301}"
        #expect(precomposed == decomposed)  // Swift's notion
        #expect(!precomposed.hasSameUTF8(as: decomposed))
        #expect(!Value.string(precomposed).isIdentical(to: .string(decomposed)))
        #expect("".hasSameUTF8(as: ""))
        #expect(!"".hasSameUTF8(as: "a"))
        #expect("skillsOffered".hasSameUTF8(as: "skills" + "Offered"))  // small, inline strings
        let long = String(repeating: "ü", count: 40)
        #expect(long.hasSameUTF8(as: String(repeating: "ü", count: 40)))  // heap strings
        #expect(!long.hasSameUTF8(as: String(repeating: "ü", count: 39) + "u"))
        #expect(!Value.reference("a/b").isIdentical(to: .string("a/b")))
    }

    @Test func arraysAndMapsCompareElementByElement() {
        let skills: Value = ["Rust", "Caf\u{E9} barista"]
        #expect(skills.isIdentical(to: ["Rust", "Caf\u{E9} barista"]))
        #expect(!skills.isIdentical(to: ["Rust", "Cafe\u{301} barista"]))
        #expect(!skills.isIdentical(to: ["Caf\u{E9} barista", "Rust"]))
        let map: Value = ["creator": "u1", "participant": "u2"]
        #expect(map.isIdentical(to: ["participant": "u2", "creator": "u1"]))
        #expect(!map.isIdentical(to: ["creator": "u1"]))
    }
}
