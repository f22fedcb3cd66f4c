import Firestore
import FirestoreTesting
import XCTest
@testable import Indexes

/// Vector indexes and non-default `apiScope` through deploy, diff and verify against the Admin API
/// stand-in, plus a deployed index of a field kind this tool does not know.
final class VectorIndexPipelineTests: XCTestCase {
    private var standIn: AdminStandIn!

    /// A composite index, a vector index, and the same vector index for the MongoDB-compatible API.
    private static let fileText = """
        {"indexes": [
          {"collectionGroup": "trades", "queryScope": "COLLECTION",
           "fields": [{"fieldPath": "status", "order": "ASCENDING"}, {"fieldPath": "createdAt", "order": "DESCENDING"}]},
          {"collectionGroup": "skills", "queryScope": "COLLECTION",
           "fields": [{"fieldPath": "category", "order": "ASCENDING"},
                      {"fieldPath": "embedding", "vectorConfig": {"dimension": 768, "flat": {}}}]},
          {"collectionGroup": "skills", "queryScope": "COLLECTION", "apiScope": "MONGODB_COMPATIBLE_API", "density": "DENSE",
           "fields": [{"fieldPath": "category", "order": "ASCENDING"},
                      {"fieldPath": "embedding", "vectorConfig": {"dimension": 768, "flat": {}}}]}
        ],
        "fieldOverrides": []}
        """

    private var file: IndexFile!

    override func setUp() async throws {
        file = try IndexFile.parse(Self.fileText).file
        standIn = try await AdminStandIn.start(buildSeconds: 0.3)
    }

    override func tearDown() async throws {
        standIn?.server.stop()
    }

    func testDeployCreatesTheVectorIndexWithTheDocumentedJSONAndVerifyWaitsForIt() async throws {
        let pipeline = standIn.pipeline("staging", project: "vec-deploy")
        let report = try await pipeline.deploy(file)
        XCTAssertTrue(report.succeeded, "\(report.failed)")
        XCTAssertEqual(report.created, file.indexes.map(\.summary))

        let creates = try await standIn.server.requests().filter { $0.method == "POST" }
        XCTAssertEqual(creates.count, 3)
        XCTAssertEqual(creates[1].path, "/v1/projects/vec-deploy/databases/(default)/collectionGroups/skills/indexes")
        XCTAssertEqual(try JSON.parse(creates[1].body), try JSON.parse("""
            {"queryScope": "COLLECTION", "fields": [{"fieldPath": "category", "order": "ASCENDING"},
             {"fieldPath": "embedding", "vectorConfig": {"dimension": 768, "flat": {}}}]}
            """))
        XCTAssertEqual(try JSON.parse(creates[2].body), try JSON.parse("""
            {"queryScope": "COLLECTION", "apiScope": "MONGODB_COMPATIBLE_API", "density": "DENSE",
             "fields": [{"fieldPath": "category", "order": "ASCENDING"},
                        {"fieldPath": "embedding", "vectorConfig": {"dimension": 768, "flat": {}}}]}
            """))

        let verification = try await pipeline.waitUntilReady(file, timeout: .seconds(20))
        XCTAssertEqual(verification.status, .ready, verification.message)
        XCTAssertEqual(verification.indexes.map(\.status), [.ready, .ready, .ready])
        let again = try await pipeline.deploy(file)
        XCTAssertEqual(again.created, [], "the vector indexes read back match the file")
        XCTAssertEqual(again.existing.count, 3)
        let verified = try await pipeline.verify(file)
        XCTAssertEqual(verified.status, .ready)
    }

    func testDiffComparesDimensionAndAPIScope() async throws {
        let admin = standIn.admin(project: "vec-diff")
        let pipeline = standIn.pipeline("staging", project: "vec-diff")
        // Deployed: the vector index with the file's dimension (ANY_API), and one with another dimension.
        _ = try await admin.startBuilding(file.indexes[1])
        var otherDimension = file.indexes[1]
        otherDimension.fields[1] = IndexField("embedding", .vector(dimension: 256))
        _ = try await admin.startBuilding(otherDimension)
        try await Task.sleep(for: .milliseconds(500))

        let diff = try await pipeline.diff(file)
        XCTAssertEqual(diff.entries.map(\.status), [.missing, .ready, .missing, .extra])
        XCTAssertEqual(diff.entries[1].deployed?.index.canonicalFields, file.indexes[1].fields)
        XCTAssertNil(diff.entries[2].deployed, "an ANY_API index does not stand in for a MONGODB_COMPATIBLE_API one")
        XCTAssertEqual(diff.entries[3].index.summary, "skills [category ASC, embedding VECTOR(256), __name__ ASC]")
        XCTAssertEqual(diff.entries[3].label, "extra")
        XCTAssertEqual(diff.counts, "1 ready, 0 building, 2 missing, 0 needs repair, 1 extra")
    }

    func testADeployedIndexOfAnUnknownFieldKindIsExtraNeverACrash() async throws {
        let project = "vec-unknown"
        let seeded = try await standIn.server.control("/control/seed-index", [
            "parent": .string("projects/\(project)/databases/(default)/collectionGroups/places"),
            "index": try JSON.parse("""
                {"queryScope": "COLLECTION", "fields": [{"fieldPath": "region", "order": "ASCENDING"},
                 {"fieldPath": "shape", "geoConfig": {"precision": 12}}, {"fieldPath": "__name__", "order": "ASCENDING"}]}
                """),
        ])
        let pipeline = standIn.pipeline("staging", project: project)
        let diff = try await pipeline.diff(file)
        XCTAssertEqual(diff.entries.map(\.status), [.missing, .missing, .missing, .extra])
        let extra = try XCTUnwrap(diff.entries.last)
        XCTAssertEqual(extra.label, "extra (unrecognised field kind)")
        XCTAssertEqual(extra.deployed?.name, seeded["name"]?.stringValue)
        XCTAssertEqual(IndexDiffReport(environment: "staging", database: "db", diff: diff).entries.last?.note, "unrecognised field kind")

        // Deploy creates the file's indexes and leaves the unknown one alone; verify is not fooled by it.
        let report = try await pipeline.deploy(file)
        XCTAssertTrue(report.succeeded, "\(report.failed)")
        XCTAssertEqual(report.created.count, 3)
        XCTAssertEqual(report.leftAlone.count, 1)
        let verification = try await pipeline.waitUntilReady(file, timeout: .seconds(20))
        XCTAssertEqual(verification.status, .ready, verification.message)

        // Creating such an index from code is refused with a clear error, not sent.
        let unknown = extra.index
        XCTAssertThrowsError(try unknown.adminIndex(target: "db")) { error in
            XCTAssertEqual((error as? FirestoreError)?.code, .invalidArgument)
        }
    }
}
