import Foundation
import XCTest
import Firestore
@testable import Migrations

/// One case of Tests/MigrationsTests/Vectors/*.json, decoded.
struct VectorCase {
    enum Expected {
        case migrate(updateMask: Set<String>, serverTimestamps: [String], stored: [String: Value], markers: Set<String>)
        case skipped
        case anomaly(Set<AnomalyKey>)
    }

    struct AnomalyKey: Hashable, CustomStringConvertible {
        var code: String
        var field: String
        var description: String { "\(code)@\(field)" }
    }

    var file: String
    var name: String
    var rules: [String]
    var input: [String: Value]
    var expected: Expected
    var modelSchemaVersion: Int
    var modelCompatibilityLayerUsed: Bool
    var modelFields: [String: Value]

    var label: String { "\(file): \(name)" }
}

/// A vector file: one collection, one migration, its cases.
struct VectorFile {
    var name: String
    var collection: String
    var migrationID: String
    var cases: [VectorCase]

    static let names = ["trades.json", "conversations.json", "notifications.json"]

    static func loadAll() throws -> [VectorFile] { try names.map(load) }

    static func load(_ name: String) throws -> VectorFile {
        guard let folder = Bundle.module.url(forResource: "Vectors", withExtension: nil) else {
            throw VectorError("the Vectors resource folder is missing from the test bundle")
        }
        let json = try JSON.parse(Data(contentsOf: folder.appendingPathComponent(name)))
        guard let collection = json["collection"]?.stringValue, let migration = json["migration"]?.stringValue,
              let marker = json["serverTimeMarker"], let cases = json["cases"]?.arrayValue
        else { throw VectorError("\(name): needs collection, migration, serverTimeMarker and cases") }
        return VectorFile(
            name: name, collection: collection, migrationID: migration,
            cases: try cases.map { try decodeCase($0, file: name, marker: marker) })
    }

    static func decodeCase(_ json: JSON, file: String, marker: JSON) throws -> VectorCase {
        guard let name = json["name"]?.stringValue else { throw VectorError("\(file): a case without a name") }
        func fail(_ what: String) -> VectorError { VectorError("\(file), case \"\(name)\": \(what)") }
        guard let rules = json["rules"]?.arrayValue?.compactMap(\.stringValue),
              let inputFields = json["input"]?["fields"],
              let expected = json["expected"], let outcome = expected["outcome"]?.stringValue,
              let model = json["readModel"], let version = model["schemaVersion"]?.int64Value,
              let used = model["compatibilityLayerUsed"]?.boolValue, let modelFields = model["fields"]
        else { throw fail("needs rules, input.fields, expected.outcome and readModel") }

        let decodedExpectation: VectorCase.Expected
        switch outcome {
        case "migrate":
            guard let mask = expected["updateMask"]?.arrayValue?.compactMap(\.stringValue),
                  let stamps = expected["serverTimestamps"]?.arrayValue?.compactMap(\.stringValue),
                  var stored = expected["stored"]?["fields"]?.objectValue
            else { throw fail("a migrate outcome needs updateMask, serverTimestamps and stored.fields") }
            let markers = Set(stored.filter { $0.value == marker }.map(\.key))
            for key in markers { stored[key] = nil }
            decodedExpectation = .migrate(
                updateMask: Set(mask), serverTimestamps: stamps, stored: try fields(.object(stored)), markers: markers)
        case "skipped":
            decodedExpectation = .skipped
        case "anomaly":
            guard let anomalies = expected["anomalies"]?.arrayValue else { throw fail("an anomaly outcome needs anomalies") }
            decodedExpectation = .anomaly(Set(try anomalies.map { item in
                guard let code = item["code"]?.stringValue, let field = item["field"]?.stringValue else {
                    throw fail("an anomaly needs code and field")
                }
                return VectorCase.AnomalyKey(code: code, field: field)
            }))
        default:
            throw fail("unknown outcome \(outcome)")
        }
        return VectorCase(
            file: file, name: name, rules: rules, input: try fields(inputFields), expected: decodedExpectation,
            modelSchemaVersion: Int(version), modelCompatibilityLayerUsed: used, modelFields: try fields(modelFields))
    }

    /// Decodes a REST `fields` object through the client's own codec.
    static func fields(_ json: JSON) throws -> [String: Value] {
        guard case .map(let fields) = try Value(json: .object(["mapValue": .object(["fields": json])])) else {
            throw VectorError("fields did not decode to a map")
        }
        return fields
    }
}

struct VectorError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

final class VectorFileTests: XCTestCase {
    func testEveryVectorFileLoadsAndNamesATradeYaMigration() throws {
        let files = try VectorFile.loadAll()
        XCTAssertEqual(files.map(\.collection), ["trades", "conversations", "notifications"])
        for file in files {
            XCTAssertNotNil(TradeYaV2.plan().migration(id: file.migrationID), "\(file.name): unknown migration \(file.migrationID)")
            XCTAssertGreaterThan(file.cases.count, 10, file.name)
            XCTAssertEqual(Set(file.cases.map(\.name)).count, file.cases.count, "\(file.name): case names must be unique")
        }
    }

    func testMarkersOnlyStandForServerTimestamps() throws {
        for file in try VectorFile.loadAll() {
            for vector in file.cases {
                guard case .migrate(_, let stamps, _, let markers) = vector.expected else { continue }
                XCTAssertEqual(markers, Set(stamps), vector.label)
            }
        }
    }
}
