import Foundation
import Testing
@testable import Firestore

@Suite struct ValueOrderingTests {
    @Test func typeOrderFollowsFirestore() {
        let ascending: [Value] = [
            .null, .boolean(false), .boolean(true), .double(.nan), .double(-.infinity), .integer(.min),
            .double(-1.5), .integer(-1), .integer(0), .double(0.5), .integer(1), .double(9.223372036854775807e18),
            .double(.infinity), .timestamp(Timestamp(seconds: 0)), .string(""), .string("Z"), .string("a"),
            .string("é"), .string("😀"), .bytes(Data()), .bytes(Data([0])), .reference("a/b"), .reference("a/b/c/d"),
            .reference("a/c"), .geoPoint(latitude: 0, longitude: 1), .geoPoint(latitude: 1, longitude: 0),
            .array([]), .array([.integer(1)]), .array([.integer(1), .null]), .array([.integer(2)]),
            .map([:]), .map(["a": .integer(1)]), .map(["a": .integer(2)]), .map(["b": .null]),
        ]
        for (i, a) in ascending.enumerated() {
            for (j, b) in ascending.enumerated() {
                #expect((a < b) == (i < j), "\(a) vs \(b)")
            }
        }
        #expect(ascending.shuffled().sorted().elementsEqual(ascending) { $0.isIdentical(to: $1) })
    }

    @Test func numbersCompareByValueAndHashAlike() {
        #expect(Value.integer(1) == .double(1.0))
        #expect(Value.double(.nan) == .double(.nan))
        #expect(Value.double(-0.0) == .integer(0))
        #expect(Set<Value>([.integer(1), .double(1.0), .double(-0.0), .integer(0)]).count == 2)
        #expect(!Value.integer(1).isIdentical(to: .double(1.0)))
        #expect(!Value.double(0).isIdentical(to: .double(-0.0)))
        // 2^53 + 1 is not representable as a double: exact comparison must still tell them apart.
        #expect(Value.integer(9_007_199_254_740_993) > .double(9_007_199_254_740_992))
        #expect(Value.integer(.max) < .double(9_223_372_036_854_775_808.0))
    }

    @Test func stringsCompareByUTF8BytesNotCanonicalEquivalence() {
        #expect(Value.string("é") != .string("e\u{301}"))
        #expect(Set<Value>([.string("é"), .string("e\u{301}")]).count == 2)
        // U+FF61 sorts before U+1F600 in UTF-16 but after it in UTF-8.
        #expect(Value.string("\u{FF61}") < .string("😀"))
    }

    @Test func mapsWithEqualContentsAreEqualRegardlessOfBuildOrder() {
        var a: [String: Value] = [:]
        var b: [String: Value] = [:]
        for i in 0..<50 { a["k\(i)"] = .integer(Int64(i)) }
        for i in (0..<50).reversed() { b["k\(i)"] = .double(Double(i)) }
        #expect(Value.map(a) == .map(b))
        #expect(Value.map(a).hashValue == Value.map(b).hashValue)
    }
}
