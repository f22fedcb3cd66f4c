import Foundation
import Firestore
import FirestoreTesting
import Testing

@Suite(.enabled(if: FirestoreEmulator.isAvailable, "no Cloud Firestore emulator installed"))
struct ClientRoundTripTests {
    static let edgeValues: [String: Value] = [
        "null": .null, "true": .boolean(true), "false": .boolean(false),
        "intMax": .integer(.max), "intMin": .integer(.min), "zero": .integer(0),
        "nan": .double(.nan), "inf": .double(.infinity), "negInf": .double(-.infinity),
        "tiny": .double(.leastNonzeroMagnitude), "huge": .double(.greatestFiniteMagnitude), "pointThree": .double(0.1 + 0.2),
        "timestamp": .timestamp(Timestamp(seconds: 1_709_287_200, nanos: 123_456_000)),
        "minTime": .timestamp(Timestamp(seconds: Timestamp.minSeconds)),
        "maxTime": .timestamp(Timestamp(seconds: Timestamp.maxSeconds, nanos: 999_999_000)),
        "empty": .string(""), "unicode": .string("é e\u{301} 😀 𝄞 \u{0} NUL \"q\" \\ \n \u{FEFF} \u{10FFFF}"),
        "emptyBytes": .bytes(Data()), "bytes": .bytes(Data((0...255).map { UInt8($0) })),
        "geo": .geoPoint(latitude: -89.999999, longitude: 179.123456789), "geoZero": .geoPoint(latitude: 0, longitude: 0),
        "emptyArray": .array([]), "emptyMap": .map([:]),
        "nested": .array([.map(["a": .array([.map(["b": .null]), .map(["c": .array([])])])]), .string("x"), .integer(1)]),
        "deep": .map(["a.b": .map(["`c`": .map(["sp ace": .array([.integer(1), .double(2.5), .null])])])]),
    ]

    @Test func everyValueTypeSurvivesAWriteAndARead() async throws {
        let emulator = try await FirestoreEmulator.shared()
        let client = emulator.newClient("roundtrip")
        var fields = Self.edgeValues
        fields["reference"] = .reference(client.name("other/doc"))
        _ = try await client.commit([.set("values/all", fields)])
        let document = try #require(try await client.get("values/all"))
        #expect(document.fields.keys.sorted() == fields.keys.sorted())
        for (key, value) in fields {
            let back = try #require(document.fields[key])
            #expect(back.isIdentical(to: value), "\(key): wrote \(value), read \(back)")
        }
        #expect(document.createTime != nil && document.updateTime != nil)
        // Firestore forbids an array directly inside an array: a clear INVALID_ARGUMENT.
        await #expect {
            _ = try await client.commit([.set("values/nested", ["a": .array([.array([.integer(1)])])])])
        } throws: { error in
            (error as? FirestoreError)?.code == .invalidArgument
        }
    }

    @Test func firestoreKeepsMicrosecondsAndNormalizesNegativeZero() async throws {
        // Documented Firestore behaviour, checked so that callers know what "exact" means here.
        let client = try await FirestoreEmulator.shared().newClient("precision")
        _ = try await client.commit([.set("p/1", ["t": .timestamp(Timestamp(seconds: 5, nanos: 123_456_789)), "z": .double(-0.0)])])
        let document = try #require(try await client.get("p/1"))
        #expect(document.fields["t"]!.isIdentical(to: .timestamp(Timestamp(seconds: 5, nanos: 123_456_000))))
        #expect(document.fields["z"] == .double(0.0))
    }

    @Test func documentNearTheOneMebibyteLimit() async throws {
        let client = try await FirestoreEmulator.shared().newClient("big")
        // Firestore counts a document as its name + field names + values + 32 bytes; stay just under 1 MiB.
        let big = String(repeating: "ab😀", count: 1_040_000 / 6)
        let blob = Data((0..<6_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        _ = try await client.commit([.set("big/doc", ["text": .string(big), "blob": .bytes(blob)])])
        let document = try #require(try await client.get("big/doc"))
        #expect(document.fields["text"]!.isIdentical(to: .string(big)))
        #expect(document.fields["blob"]!.isIdentical(to: .bytes(blob)))
        // One more field and it is over the limit: INVALID_ARGUMENT, not a crash or a silent cut.
        let over = String(repeating: "x", count: 1_048_576)
        await #expect {
            _ = try await client.commit([.set("big/over", ["text": .string(over)])])
        } throws: { error in
            (error as? FirestoreError)?.code == .invalidArgument
        }
    }

    @Test func missingDocumentsAreNilAndBatchGetKeepsOrder() async throws {
        let client = try await FirestoreEmulator.shared().newClient("batchget")
        _ = try await client.commit([.set("c/a", ["n": 1]), .set("c/c", ["n": 3])])
        #expect(try await client.get("c/b") == nil)
        let result = try await client.batchGet(["c/c", "c/b", "c/a"])
        #expect(result.results.map(\.name) == ["c/c", "c/b", "c/a"].map(client.name))
        #expect(result.results.map { $0.document?.fields["n"] } == [.integer(3), nil, .integer(1)])
        #expect(result.readTime != nil)
    }

    @Test func oddDocumentIDsAreEncodedInURLs() async throws {
        let client = try await FirestoreEmulator.shared().newClient("ids")
        let ids = ["a b", "a:b", "ü😀", "100%", "a?b#c", "(x)", "a+b&c=d"]
        _ = try await client.commit(ids.map { .set("odd/\($0)", ["id": .string($0)]) })
        for id in ids {
            let document = try #require(try await client.get("odd/\(id)"), "\(id)")
            #expect(document.id == id && document.fields["id"] == .string(id))
        }
        let page = try await client.list("odd", pageSize: 100)
        #expect(Set(page.documents.map(\.id)) == Set(ids))
    }
}
