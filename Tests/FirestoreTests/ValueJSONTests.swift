import Foundation
import Testing
@testable import Firestore

@Suite struct ValueJSONTests {
    func roundTrip(_ value: Value) throws -> Value {
        let text = value.json.serialized()
        return try Value(json: try JSON.parse(text))
    }

    @Test func everyTypeRoundTripsThroughText() throws {
        let values: [Value] = [
            .null, .boolean(true), .boolean(false), .integer(0), .integer(.max), .integer(.min),
            .double(1.5), .double(-0.0), .double(.nan), .double(.infinity), .double(-.infinity),
            .double(.leastNonzeroMagnitude), .double(.greatestFiniteMagnitude), .double(0.1 + 0.2),
            .double(1e-7), .double(123_456_789_012_345_680), .double(-.leastNormalMagnitude),
            .timestamp(Timestamp(seconds: 1_709_287_200, nanos: 123_456_789)),
            .timestamp(Timestamp(seconds: Timestamp.minSeconds)), .timestamp(Timestamp(seconds: Timestamp.maxSeconds, nanos: 999_999_999)),
            .string(""), .string("é vs e\u{301}"), .string("astral 😀𝄞 NUL \u{0} \"quote\" \\ \n\t\u{1F}"),
            .bytes(Data()), .bytes(Data([0, 255, 1, 254])),
            .reference("projects/p/databases/(default)/documents/a/b"),
            .geoPoint(latitude: -90, longitude: 180), .geoPoint(latitude: 0, longitude: -0.0),
            .array([]), .array([.array([.integer(1), .map(["x": .null])])]),
            .map([:]), .map(["a.b": .map(["`": .string("x")]), "": .integer(1)]),
        ]
        for value in values {
            let back = try roundTrip(value)
            #expect(back.isIdentical(to: value), "\(value) came back as \(back)")
        }
    }

    @Test func wireFormatMatchesTheRESTDocumentation() throws {
        #expect(Value.integer(12).json.text == #"{"integerValue":"12"}"#)
        #expect(Value.double(.nan).json.text == #"{"doubleValue":"NaN"}"#)
        #expect(Value.double(-.infinity).json.text == #"{"doubleValue":"-Infinity"}"#)
        #expect(Value.double(-0.0).json.text == #"{"doubleValue":-0.0}"#)
        #expect(Value.bytes(Data([1, 2, 3])).json.text == #"{"bytesValue":"AQID"}"#)
        #expect(Value.array([]).json.text == #"{"arrayValue":{"values":[]}}"#)
    }

    @Test func decodesProto3Omissions() throws {
        #expect(try Value(json: JSON.parse(#"{"mapValue":{}}"#)).isIdentical(to: .map([:])))
        #expect(try Value(json: JSON.parse(#"{"arrayValue":{}}"#)).isIdentical(to: .array([])))
        #expect(try Value(json: JSON.parse(#"{"geoPointValue":{}}"#)).isIdentical(to: .geoPoint(latitude: 0, longitude: 0)))
        #expect(try Value(json: JSON.parse(#"{"doubleValue":"-0.0"}"#)).isIdentical(to: .double(-0.0)))
        #expect(try Value(json: JSON.parse(#"{"doubleValue":1E+2}"#)).isIdentical(to: .double(100)))
        #expect(try Value(json: JSON.parse(#"{"bytesValue":"_-8"}"#)).isIdentical(to: .bytes(Data([0xFF, 0xEF]))))
    }

    @Test func doublesAreExactForRandomBitPatterns() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let d = Double(bitPattern: generator.next())
            let back = try roundTrip(.double(d))
            #expect(back.isIdentical(to: .double(d)) || (d.isNaN && back.doubleValue!.isNaN))
        }
    }

    @Test func badPayloadsNameThePlace() throws {
        let json = try JSON.parse(#"{"mapValue":{"fields":{"a":{"arrayValue":{"values":[{"integerValue":"x"}]}}}}}"#)
        #expect {
            try Value(json: json)
        } throws: { error in
            "\(error)".contains("mapValue.fields.a.arrayValue.values[0]") && "\(error)".contains("integerValue")
        }
        #expect(throws: FirestoreDecodingError.self) { try Value(json: JSON.parse(#"{"vectorValue":{}}"#)) }
        #expect(throws: FirestoreDecodingError.self) { try Value(json: JSON.parse(#"{"a":1,"b":2}"#)) }
    }

    @Test func jsonParserRejectsMalformedText() {
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "\"\\ud800\"", "\"a\u{1}\"", "nul", "[1] x", "-"] {
            #expect(throws: JSONParseError.self, "accepted \(bad)") { try JSON.parse(bad) }
        }
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSON.parse(deep) }
        #expect(throws: JSONParseError.self) { try JSON.parse(Data([0x22, 0xFF, 0x22])) }
    }

    @Test func jsonParserDecodesEscapes() throws {
        #expect(try JSON.parse(#""\ud83d\ude00\u00e9\n\/""#) == .string("😀é\n/"))
        #expect(try JSON.parse(" {\"k\" : [ true , false , null , -1.5e-3 ] } ")
            == .object(["k": .array([.bool(true), .bool(false), .null, .number("-1.5e-3")])]))
    }

    @Test func documentRoundTripAndPathHelpers() throws {
        let doc = Document(
            name: "projects/p/databases/(default)/documents/users/u1/posts/p1",
            fields: ["title": "x", "n": 3], createTime: Timestamp(seconds: 10, nanos: 5), updateTime: Timestamp(seconds: 11))
        let back = try Document(json: JSON.parse(doc.json.serialized()))
        #expect(back == doc)
        #expect(back.updateTime == Timestamp(seconds: 11))
        #expect(doc.id == "p1")
        #expect(doc.path == "users/u1/posts/p1")
        #expect(doc.collectionPath == "users/u1/posts")
        #expect(doc.collectionID == "posts")
    }
}
