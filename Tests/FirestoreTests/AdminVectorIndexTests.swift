import Firestore
import FirestoreTesting
import Foundation
import Testing

/// Vector indexes, non-default `apiScope` / `density`, and field kinds the client does not know,
/// in the Admin API's Index JSON and in a listing from the stand-in.
@Suite struct AdminVectorIndexTests {
    private static let name = "projects/p/databases/(default)/collectionGroups/skills/indexes/CICAvec1"

    private static func parse(_ text: String) throws -> JSON { try JSON.parse(text) }

    @Test func vectorIndexDecodesAndEncodesTheDocumentedJSON() throws {
        let json = try Self.parse("""
            {"name": "\(Self.name)", "queryScope": "COLLECTION", "state": "READY", "density": "SPARSE_ALL",
             "fields": [{"fieldPath": "category", "order": "ASCENDING"},
                        {"fieldPath": "embedding", "vectorConfig": {"dimension": 768, "flat": {}}},
                        {"fieldPath": "__name__", "order": "ASCENDING"}]}
            """)
        let index = try AdminIndex(json: json)
        #expect(index.collectionGroup == "skills")
        #expect(index.apiScope == .anyAPI, "an absent apiScope is ANY_API")
        #expect(index.density == "SPARSE_ALL")
        #expect(index.state == .ready)
        #expect(index.definitionFields == [.init("category", .ascending), .init("embedding", .vector(dimension: 768))])
        #expect(index.description == "skills [category ASC, embedding VECTOR(768)] COLLECTION READY")

        let request = index.requestJSON
        #expect(request["apiScope"] == nil, "the default scope is not sent")
        #expect(request["density"] == .string("SPARSE_ALL"))
        #expect(request["fields"]?.arrayValue?[1] == (try Self.parse(#"{"fieldPath": "embedding", "vectorConfig": {"dimension": 768, "flat": {}}}"#)))
        #expect(try AdminIndex(json: index.resourceJSON) == index, "resource JSON round-trips")
    }

    @Test func nonDefaultAPIScopeIsKeptBothWays() throws {
        for scope in ["DATASTORE_MODE_API", "MONGODB_COMPATIBLE_API"] {
            let json = try Self.parse("""
                {"name": "\(Self.name)", "queryScope": "COLLECTION_GROUP", "apiScope": "\(scope)", "density": "DENSE",
                 "fields": [{"fieldPath": "a", "order": "ASCENDING"}, {"fieldPath": "b", "order": "DESCENDING"}]}
                """)
            let index = try AdminIndex(json: json)
            #expect(index.apiScope.rawValue == scope)
            #expect(index.apiScope != .anyAPI)
            #expect(index.requestJSON["apiScope"] == .string(scope))
            #expect(index.requestJSON["density"] == .string("DENSE"))
            #expect(try AdminIndex(json: index.resourceJSON) == index)
        }
        #expect(AdminIndex.APIScope.mongoDBCompatibleAPI.rawValue == "MONGODB_COMPATIBLE_API")
        #expect(AdminIndex.APIScope.datastoreModeAPI.rawValue == "DATASTORE_MODE_API")
    }

    @Test func unknownFieldKindDecodesAsUnknownAndIsWrittenBackExactly() throws {
        let future = #"{"fieldPath": "shape", "geoConfig": {"precision": 12}}"#
        let otherVector = #"{"fieldPath": "embedding", "vectorConfig": {"dimension": 64, "hnsw": {"m": 16}}}"#
        let json = try Self.parse("""
            {"name": "\(Self.name)", "queryScope": "COLLECTION", "state": "READY",
             "fields": [\(future), \(otherVector), {"fieldPath": "__name__", "order": "ASCENDING"}]}
            """)
        let index = try AdminIndex(json: json)
        #expect(index.hasUnknownFields)
        #expect(index.fields[0] == .init("shape", .unknown(try Self.parse(future))))
        #expect(index.fields[1] == .init("embedding", .unknown(try Self.parse(otherVector))), "a vector type other than flat is unknown")
        #expect(index.fields[0].json == (try Self.parse(future)))
        #expect(try AdminIndex(json: index.resourceJSON) == index)

        // Still an error: a field with no path, or an index with no name, is not an Index at all.
        #expect(throws: AdminDecodingError.self) {
            try AdminIndex(json: Self.parse(#"{"name": "\#(Self.name)", "fields": [{"order": "ASCENDING"}]}"#))
        }
        #expect(throws: AdminDecodingError.self) { try AdminIndex(json: Self.parse(#"{"fields": []}"#)) }
    }

    @Test func listingWithVectorAndUnknownIndexesSucceeds() async throws {
        let server = try await StandInServer.start(.adminAPI)
        defer { server.stop() }
        try await server.control("/control/config", ["indexBuildSeconds": .number("0")])
        let auth = try EnvironmentTokenProvider(environment: ["TOKEN": "t"], variable: "TOKEN")
        let admin = AdminClient(projectID: "vectors", endpoint: server.baseURL, auth: auth,
                                retry: RetryPolicy(maxAttempts: 2, initialBackoff: 0.05, maxBackoff: 0.1), timeout: 20)
        let vector = AdminIndex(collectionGroup: "skills", fields: [.init("category", .ascending), .init("embedding", .vector(dimension: 3))])
        _ = try await admin.createIndex(vector)
        let scoped = AdminIndex(collectionGroup: "skills", apiScope: .mongoDBCompatibleAPI,
                                fields: [.init("category", .ascending), .init("embedding", .vector(dimension: 3))], density: "DENSE")
        _ = try await admin.createIndex(scoped)
        let future = try Self.parse(#"{"fieldPath": "shape", "geoConfig": {"precision": 12}}"#)
        try await server.control("/control/seed-index", [
            "parent": .string("projects/vectors/databases/(default)/collectionGroups/places"),
            "index": .object(["queryScope": .string("COLLECTION"), "fields": .array([future])]),
        ])

        let listed = try await admin.listIndexes()
        #expect(listed.count == 3)
        let skills = listed.filter { $0.collectionGroup == "skills" }
        #expect(skills.map(\.definitionFields) == [vector.fields, vector.fields])
        #expect(Set(skills.map(\.apiScope)) == [.anyAPI, .mongoDBCompatibleAPI])
        #expect(skills.first { $0.apiScope == .mongoDBCompatibleAPI }?.density == "DENSE")
        #expect(skills.allSatisfy { $0.fields.last == .init("__name__", .ascending) }, "a vector field has no direction: __name__ ASC")
        let places = try #require(listed.first { $0.collectionGroup == "places" })
        #expect(places.fields == [.init("shape", .unknown(future))])

        let create = try #require(try await server.requests().first { $0.method == "POST" })
        #expect(try JSON.parse(create.body) == vector.requestJSON)
        #expect(try JSON.parse(create.body)["fields"]?.arrayValue?[1]
            == (try Self.parse(#"{"fieldPath": "embedding", "vectorConfig": {"dimension": 3, "flat": {}}}"#)))
    }
}
