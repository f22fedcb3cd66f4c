import Foundation
import Firestore
import FirestoreTesting
import Testing

@Suite(.enabled(if: FirestoreEmulator.isAvailable, "no Cloud Firestore emulator installed"))
struct ClientQueryTests {
    /// Values of every type, one per document, in Firestore's ascending order.
    static let ordered: [Value] = [
        .null, .boolean(false), .boolean(true), .double(.nan), .double(-.infinity), .integer(-5), .double(-1.5),
        .integer(0), .double(0.5), .integer(1), .double(1.25), .integer(.max),
        .timestamp(Timestamp(seconds: 0)), .timestamp(Timestamp(seconds: 1, nanos: 1000)),
        .string(""), .string("A"), .string("a"), .string("é"), .string("😀"),
        .bytes(Data()), .bytes(Data([0])), .bytes(Data([1])),
        .geoPoint(latitude: 0, longitude: 1), .geoPoint(latitude: 1, longitude: 0),
        .array([]), .array([.integer(1)]), .array([.integer(1), .integer(2)]), .array([.integer(2)]),
        .map([:]), .map(["a": .integer(1)]), .map(["a": .integer(2)]), .map(["b": .integer(0)]),
    ]

    func seededClient(_ label: String) async throws -> FirestoreClient {
        let client = try await FirestoreEmulator.shared().newClient(label)
        var writes: [Write] = []
        for (i, value) in Self.ordered.enumerated().shuffled() {
            writes.append(.set("mixed/d\(String(format: "%02d", i))", ["v": value, "i": .integer(Int64(i))]))
        }
        _ = try await client.commit(writes)
        return client
    }

    @Test func orderingAcrossTypesMatchesOurComparison() async throws {
        let client = try await seededClient("order")
        let query = StructuredQuery(collection: "mixed").order(by: "v")
        let result = try await client.runQuery(query)
        let indexes = result.documents.map { $0.fields["i"]!.integerValue! }
        #expect(indexes == Array(0..<Int64(Self.ordered.count)))
        // Our Comparable agrees with the server on the same values.
        let shuffled = Self.ordered.shuffled().sorted()
        #expect(shuffled.elementsEqual(Self.ordered) { $0.isIdentical(to: $1) || ($0.doubleValue?.isNaN ?? false && $1.doubleValue?.isNaN ?? false) })
        let descending = try await client.runQuery(StructuredQuery(collection: "mixed").order(by: "v", .descending))
        #expect(descending.documents.map { $0.fields["i"]!.integerValue! } == indexes.reversed())
    }

    @Test func fieldFiltersSelectLikeOurComparison() async throws {
        let client = try await seededClient("filters")
        let cases: [(Filter, (Value) -> Bool)] = [
            (.field("v", .equal, .integer(1)), { $0 == .integer(1) }),
            (.field("v", .greaterThan, .integer(0)), { $0.typeRank == 2 && $0 > .integer(0) }),
            (.field("v", .lessThanOrEqual, .string("a")), { $0.typeRank == 4 && $0 <= .string("a") }),
            // `in` never matches null (only IS_NULL does), even with null in the list.
            (.field("v", .in, .array([.integer(1), .string("é"), .null])), { [.integer(1), .string("é")].contains($0) }),
            (.field("v", .arrayContains, .integer(1)), { $0.arrayValue?.contains(.integer(1)) ?? false }),
            (.field("v", .arrayContainsAny, .array([.integer(2), .integer(9)])), { $0.arrayValue?.contains { [.integer(2)].contains($0) } ?? false }),
            (.unary("v", .isNaN), { $0.doubleValue?.isNaN ?? false }),
            (.unary("v", .isNull), { $0.isNull }),
            (.or([.field("v", .equal, .boolean(true)), .field("v", .equal, .string("A"))]), { $0 == .boolean(true) || $0 == .string("A") }),
            (.and([.field("v", .greaterThanOrEqual, .integer(0)), .field("v", .lessThan, .integer(1))]), { $0.typeRank == 2 && $0 >= .integer(0) && $0 < .integer(1) }),
        ]
        for (filter, predicate) in cases {
            let result = try await client.runQuery(StructuredQuery(collection: "mixed", filter: filter))
            let got = Set(result.documents.map { $0.fields["i"]!.integerValue! })
            let expected = Set(Self.ordered.indices.filter { predicate(Self.ordered[$0]) }.map(Int64.init))
            #expect(got == expected, "\(filter)")
            #expect(!expected.isEmpty)
        }
        // not-in and != exclude null and missing fields, as Firestore documents.
        let notIn = try await client.runQuery(StructuredQuery(collection: "mixed", filter: .field("v", .notIn, .array([.integer(1), .boolean(true)]))))
        #expect(notIn.documents.count == Self.ordered.count - 3)
    }

    @Test func cursorsLimitOffsetAndSelect() async throws {
        let client = try await FirestoreEmulator.shared().newClient("cursors")
        _ = try await client.commit((0..<20).map { .set("n/\(String(format: "%02d", $0))", ["n": .integer(Int64($0)), "odd": .boolean($0 % 2 == 1)]) })
        let base = StructuredQuery(collection: "n").order(by: "n")
        func ns(_ q: StructuredQuery) async throws -> [Int64] { try await client.runQuery(q).documents.map { $0.fields["n"]!.integerValue! } }
        #expect(try await ns(base.start(at: .startAt(5)).end(at: .endBefore(8))) == [5, 6, 7])
        #expect(try await ns(base.start(at: .startAfter(5)).end(at: .endAt(8))) == [6, 7, 8])
        #expect(try await ns(base.offset(3).limit(2)) == [3, 4])
        let selected = try await client.runQuery(base.limit(1).select(["odd"]))
        #expect(selected.documents.first?.fields.keys.sorted() == ["odd"])
        let page = try await client.list("n", pageSize: 7)
        #expect(page.documents.count == 7 && page.nextPageToken != nil)
        let rest = try await client.list("n", pageSize: 100, pageToken: page.nextPageToken)
        #expect(rest.documents.count == 13 && rest.nextPageToken == nil)
    }

    @Test func pagesWalkEverythingOnceAtOneReadTime() async throws {
        let client = try await FirestoreEmulator.shared().newClient("pages")
        _ = try await client.commit((0..<95).map { .set("p/\($0)", ["k": .integer(Int64($0 % 4)), "n": .integer(Int64($0))]) })
        var seen: [Int64] = []
        var pageSizes: [Int] = []
        var iterator = client.pages(StructuredQuery(collection: "p").filter(.field("k", .greaterThan, .integer(0))), pageSize: 10)
            .makeAsyncIterator()
        while let page = try await iterator.next() {
            pageSizes.append(page.count)
            seen += page.map { $0.fields["n"]!.integerValue! }
            if pageSizes.count == 1 {
                // Written after the first page: the snapshot must not see these.
                _ = try await client.commit((100..<130).map { .set("p/\($0)", ["k": .integer(1), "n": .integer(Int64($0))]) })
            }
        }
        let expected = (0..<95).filter { $0 % 4 != 0 }.map(Int64.init)
        #expect(Set(seen) == Set(expected) && seen.count == expected.count)
        #expect(pageSizes.allSatisfy { $0 <= 10 })
        #expect(iterator.snapshotTime != nil)
        // A limit smaller than the collection is honoured across pages.
        var limited = 0
        for try await page in client.pages(StructuredQuery(collection: "p").limit(25), pageSize: 10) { limited += page.count }
        #expect(limited == 25)
        // A select without the ordered field still pages correctly (the cursor needs it).
        var selected = 0
        for try await page in client.pages(StructuredQuery(collection: "p").order(by: "n").select(["k"]), pageSize: 10) { selected += page.count }
        #expect(selected == 125)
    }

    @Test func readTimeShowsThePast() async throws {
        let client = try await FirestoreEmulator.shared().newClient("readtime")
        let first = try await client.commit([.set("r/1", ["v": 1])])
        let then = try #require(first.commitTime)
        _ = try await client.commit([.set("r/1", ["v": 2]), .set("r/2", ["v": 3])])
        #expect(try await client.get("r/1", readTime: then)?.fields["v"] == .integer(1))
        #expect(try await client.get("r/1")?.fields["v"] == .integer(2))
        #expect(try await client.runQuery(StructuredQuery(collection: "r"), readTime: then).documents.count == 1)
        #expect(try await client.count(StructuredQuery(collection: "r"), readTime: then) == 1)
        #expect(try await client.list("r", readTime: then).documents.count == 1)
    }

    @Test func aggregationsCountSumAverage() async throws {
        let client = try await FirestoreEmulator.shared().newClient("aggregate")
        _ = try await client.commit((1...10).map { .set("a/\($0)", ["n": .integer(Int64($0)), "x": $0 % 2 == 0 ? .double(0.5) : .string("no")]) })
        let result = try await client.runAggregationQuery(
            StructuredQuery(collection: "a"),
            aggregations: [.count(), .sum("n", as: "total"), .average("n", as: "mean"), .sum("x", as: "xs"), .count(as: "capped", upTo: 3)])
        #expect(result.values["count"] == .integer(10))
        #expect(result.values["total"] == .integer(55))
        #expect(result.values["mean"] == .double(5.5))
        #expect(result.values["xs"] == .double(2.5))
        #expect(result.values["capped"] == .integer(3))
        let none = try await client.runAggregationQuery(
            StructuredQuery(collection: "a", filter: .field("n", .greaterThan, .integer(100))), aggregations: [.average("n", as: "mean"), .count()])
        #expect(none.values["mean"] == .null && none.values["count"] == .integer(0))
    }

    @Test func collectionIDsAtRootAndBelowADocument() async throws {
        let client = try await FirestoreEmulator.shared().newClient("collections")
        _ = try await client.commit([.set("trades/t", [:]), .set("users/u/posts/p", [:]), .set("users/u/likes/l", [:])])
        #expect(try await client.listCollectionIDs().sorted() == ["trades", "users"])
        #expect(try await client.listCollectionIDs(parent: "users/u", readTime: nil).sorted() == ["likes", "posts"])
        let group = try await client.runQuery(StructuredQuery(collection: "posts", allDescendants: true))
        #expect(group.documents.map(\.path) == ["users/u/posts/p"])
    }
}
