import Firestore
import XCTest
@testable import Indexes

/// Coverage of the critical queries on the shipped files and on broken variants of them.
final class CoverageTests: XCTestCase {
    private var shipped: IndexFile!
    private var queries: [CriticalQuery]!

    override func setUpWithError() throws {
        shipped = try IndexFile.load(path: RepoFiles.indexFilePath).file
        queries = try CriticalQueryFile.load(path: RepoFiles.queriesFilePath).queries
    }

    private func query(_ name: String) -> CriticalQuery { queries.first { $0.name == name }! }

    private func missing(_ result: QueryCoverage, file: StaticString = #filePath, line: UInt = #line) -> (CompositeIndex, String?)? {
        guard case .missingIndex(let suggested, let closest) = result.verdict else {
            XCTFail("expected a gap, got \(result.summary)", file: file, line: line)
            return nil
        }
        return (suggested, closest)
    }

    func testShippedFileServesEveryCriticalQueryWithItsOwnIndex() {
        let report = IndexCoverage(indexFile: shipped).check(queries)
        XCTAssertEqual(report.results.count, 5)
        XCTAssertTrue(report.isComplete, report.gaps.map(\.summary).joined(separator: "\n"))
        XCTAssertEqual(report.results.map(\.compositeIndexesUsed), [[0], [1], [2], [3], [4]])
        XCTAssertEqual(report.unusedIndexes(in: shipped), [])
        XCTAssertEqual(IndexCheck.missingExemptions(in: shipped, collections: IndexCheck.defaultMigratedCollections, field: "migratedAt"), [])
    }

    func testDroppedIndexIsAGapAndTheSuggestionIsTheDroppedIndex() throws {
        var file = shipped!
        let dropped = file.indexes.remove(at: 2)
        let report = IndexCoverage(indexFile: file).check(queries)
        XCTAssertEqual(report.gaps.map(\.query.name), ["trades-offering-skill"])
        let (suggested, _) = try XCTUnwrap(missing(report.gaps[0]))
        XCTAssertEqual(suggested.definitionKey, dropped.definitionKey)
        XCTAssertTrue(report.gaps[0].summary.contains("The query requires an index"), report.gaps[0].summary)
    }

    func testSwappedOrderIsAGapNamingTheDirection() throws {
        var file = shipped!
        file.indexes[4].fields[2] = IndexField("createdAt", .ascending)
        let result = IndexCoverage(indexFile: file).check(query("notifications-unread"))
        let (suggested, closest) = try XCTUnwrap(missing(result))
        XCTAssertEqual(suggested.summary, "notifications [userId ASC, read ASC, createdAt DESC]")
        XCTAssertEqual(try IndexFile.parse("{\"indexes\": [\(suggested.fileEntry)]}").file.indexes, [suggested])
        XCTAssertEqual(closest, "index #5 (notifications [userId ASC, read ASC, createdAt ASC]) differs: createdAt is ASCENDING, the query needs DESCENDING")
    }

    func testChangedFieldIsAGap() throws {
        var file = shipped!
        file.indexes[0].fields[1] = IndexField("state", .ascending)
        let report = IndexCoverage(indexFile: file).check(queries)
        XCTAssertEqual(report.gaps.map(\.query.name), ["trades-by-creator-status"])
        let (_, closest) = try XCTUnwrap(missing(report.gaps[0]))
        XCTAssertTrue(closest?.contains("it lacks status") ?? false, closest ?? "nil")
        XCTAssertTrue(closest?.contains("it has state") ?? false, closest ?? "nil")
    }

    func testArrayFieldIndexedAsOrderedIsAGap() {
        var file = shipped!
        file.indexes[3].fields[0] = IndexField("participantIds", .ascending)
        XCTAssertFalse(IndexCoverage(indexFile: file).check(query("conversations-inbox")).isServed)
    }

    func testIndexOfAnotherScopeOrCollectionDoesNotServe() {
        var file = shipped!
        file.indexes[4].queryScope = .collectionGroup
        XCTAssertFalse(IndexCoverage(indexFile: file).check(query("notifications-unread")).isServed)
        var group = query("notifications-unread")
        group.allDescendants = true
        XCTAssertTrue(IndexCoverage(indexFile: file).check(group).isServed)
        XCTAssertFalse(IndexCoverage(indexFile: shipped).check(group).isServed)
    }

    func testImplicitNameDirectionMustMatch() throws {
        var q = query("notifications-unread")
        q.orderBy.append(CriticalQuery.Order("__name__", .ascending))
        let (suggested, _) = try XCTUnwrap(missing(IndexCoverage(indexFile: shipped).check(q)))
        XCTAssertEqual(suggested.summary, "notifications [userId ASC, read ASC, createdAt DESC, __name__ ASC]")
        q.orderBy[1].direction = .descending
        XCTAssertTrue(IndexCoverage(indexFile: shipped).check(q).isServed)
    }

    func testAutomaticIndexesServeSimpleQueries() {
        let coverage = IndexCoverage(indexFile: IndexFile(indexes: []))
        let equalities = CriticalQuery(name: "eq", collection: "trades", filters: [
            .init("status", .equal, .value(.string("active"))), .init("participants.creator", .equal, .value(.string("u")))])
        XCTAssertTrue(coverage.check(equalities).isServed)
        let withArray = CriticalQuery(name: "arr", collection: "trades", filters: [
            .init("skillsOffered", .arrayContains, .value(.string("React"))), .init("status", .equal, .value(.string("active")))])
        XCTAssertTrue(coverage.check(withArray).isServed)
        let range = CriticalQuery(name: "range", collection: "trades",
                                  filters: [.init("createdAt", .greaterThan, .value(.integer(0)))],
                                  orderBy: [.init("createdAt", .descending)])
        XCTAssertTrue(coverage.check(range).isServed)
        let equalityAndOrder = CriticalQuery(name: "eq+order", collection: "trades",
                                             filters: [.init("status", .equal, .value(.string("active")))],
                                             orderBy: [.init("createdAt", .descending)])
        XCTAssertFalse(coverage.check(equalityAndOrder).isServed)
        let equalityAndRange = CriticalQuery(name: "eq+range", collection: "trades", filters: [
            .init("status", .equal, .value(.string("active"))), .init("createdAt", .lessThan, .value(.integer(5)))])
        XCTAssertFalse(coverage.check(equalityAndRange).isServed)
    }

    func testExemptFieldHasNoAutomaticIndex() throws {
        let byMigration = CriticalQuery(name: "recent-migrations", collection: "trades", orderBy: [.init("migratedAt", .descending)])
        let (suggested, _) = try XCTUnwrap(missing(IndexCoverage(indexFile: shipped).check(byMigration)))
        XCTAssertEqual(suggested.fields, [IndexField("migratedAt", .descending)])
        XCTAssertTrue(IndexCoverage(indexFile: IndexFile(indexes: [])).check(byMigration).isServed)
    }

    func testCompositeIndexesMergeOnASharedOrdering() {
        let file = IndexFile(indexes: [
            CompositeIndex(collectionGroup: "trades", fields: [IndexField("status", .ascending), IndexField("createdAt", .descending)]),
            CompositeIndex(collectionGroup: "trades", fields: [IndexField("participants.creator", .ascending), IndexField("createdAt", .descending)]),
        ])
        let result = IndexCoverage(indexFile: file).check(query("trades-by-creator-status"))
        guard case .served(let sources) = result.verdict else { return XCTFail(result.summary) }
        XCTAssertEqual(sources, [.composite(0), .composite(1)])
    }

    func testInequalityFieldsAreAppendedToTheOrdering() {
        let q = CriticalQuery(name: "not-cancelled", collection: "trades", filters: [
            .init("participants.creator", .equal, .parameter("u")), .init("status", .notEqual, .value(.string("cancelled")))],
            orderBy: [.init("createdAt", .descending)], parameters: ["u": .string("x")])
        let shape = QueryShape(q)
        XCTAssertEqual(shape.ordering, [.init("createdAt", .descending), .init("status", .descending)])
        XCTAssertEqual(shape.nameDirection, .descending)
        XCTAssertEqual(shape.warnings.count, 1)
        let file = IndexFile(indexes: [CompositeIndex(collectionGroup: "trades", fields: [
            IndexField("participants.creator", .ascending), IndexField("createdAt", .descending), IndexField("status", .descending)])])
        XCTAssertTrue(IndexCoverage(indexFile: file).check(q).isServed)
        XCTAssertFalse(IndexCoverage(indexFile: shipped).check(q).isServed)
    }

    func testQueriesFirestoreRejects() {
        let q = CriticalQuery(name: "two-arrays", collection: "trades", filters: [
            .init("skillsOffered", .arrayContains, .value(.string("a"))), .init("skillsWanted", .arrayContains, .value(.string("b")))])
        guard case .rejected(let reasons) = IndexCoverage(indexFile: shipped).check(q).verdict else { return XCTFail() }
        XCTAssertTrue(reasons[0].contains("more than one array-contains"))
    }

    func testMissingMigratedAtOverrideIsReported() {
        var file = shipped!
        file.fieldOverrides.removeAll { $0.collectionGroup == "conversations" }
        file.fieldOverrides[0].indexes = [.init(mode: .ascending)]
        XCTAssertEqual(IndexCheck.missingExemptions(in: file, collections: IndexCheck.defaultMigratedCollections, field: "migratedAt"),
                       ["trades", "conversations"])
    }
}
