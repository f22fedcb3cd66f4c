import Backups
import Firestore
import FirestoreTesting
import Foundation

/// Shared set-up for tests against the real emulator: a fresh project, a backup store in a temp
/// directory, and helpers to read a whole database back.
struct BackupFixture {
    let emulator: FirestoreEmulator
    let client: FirestoreClient
    let directory: TemporaryDirectory
    let store: BackupStore

    init(_ label: String) async throws {
        emulator = try await FirestoreEmulator.shared()
        client = emulator.newClient(label)
        directory = try TemporaryDirectory()
        store = BackupStore(root: directory.url)
    }

    var reader: FirestoreSnapshotReader { FirestoreSnapshotReader(client) }

    func creator() -> BackupCreator { BackupCreator(store: store, reader: reader) }

    func verifier(window: PointInTimeWindow = .oneHour) -> BackupVerifier {
        BackupVerifier(store: store, reader: reader, window: window, verifiedBy: "tests", toolVersion: "test")
    }

    func options(_ collections: [String]? = nil, subcollections: Bool = false) -> BackupCreator.Options {
        BackupCreator.Options(environment: "dev", collections: collections, includeSubcollections: subcollections,
                              toolVersion: "test", createdBy: "tests")
    }

    /// Writes documents in batches of 500.
    func write(_ documents: [(path: String, fields: [String: Value])]) async throws {
        for start in stride(from: 0, to: documents.count, by: 500) {
            let batch = documents[start..<min(start + 500, documents.count)]
            let results = try await client.batchWrite(batch.map { Write.set($0.path, $0.fields) })
            for result in results { _ = try result.get() }
        }
    }
}

/// Every document under the root (or under `parent`), subcollections included, by path.
func allDocuments(_ reader: any FirestoreReading, parent: String = "", readTime: Timestamp? = nil) async throws -> [String: Document] {
    var found: [String: Document] = [:]
    for collection in try await reader.listCollectionIDs(parent: parent, readTime: readTime) {
        for try await page in reader.pages(StructuredQuery(collection: collection), pageSize: 300, parent: parent, readTime: readTime) {
            for document in page {
                found[document.path] = document
                found.merge(try await allDocuments(reader, parent: document.path, readTime: readTime)) { $1 }
            }
        }
    }
    return found
}

/// Values of every type Firestore stores, with the edge cases that break naive codecs.
func edgeFields(referenceRoot: String, salt: Int) -> [String: Value] {
    [
        "null": .null, "true": .boolean(true), "false": .boolean(false),
        "intMax": .integer(.max), "intMin": .integer(.min), "n": .integer(Int64(salt)),
        "nan": .double(.nan), "inf": .double(.infinity), "negInf": .double(-.infinity), "negZero": .double(-0.0),
        "tiny": .double(.leastNonzeroMagnitude), "pointThree": .double(0.1 + 0.2),
        "timestamp": .timestamp(Timestamp(seconds: 1_709_287_200 + Int64(salt), nanos: 123_456_000)),
        "minTime": .timestamp(Timestamp(seconds: Timestamp.minSeconds)),
        "unicode": .string("é e\u{301} 😀 𝄞 \u{0} NUL \"q\" \\ \n \u{FEFF} #\(salt)"), "empty": .string(""),
        "bytes": .bytes(Data((0...255).map { UInt8(($0 + salt) & 0xff) })), "emptyBytes": .bytes(Data()),
        "ref": .reference(referenceRoot + "/documents/values/v\(salt)"),
        "geo": .geoPoint(latitude: -89.999999, longitude: 179.123456789),
        "emptyArray": .array([]), "emptyMap": .map([:]),
        "nested": .array([.map(["a": .array([.map(["b": .null]), .reference(referenceRoot + "/documents/x/y")])]), .string("x"), .integer(1)]),
        "deep": .map(["a.b": .map(["`c`": .map(["sp ace": .array([.integer(1), .double(2.5), .null])])])]),
    ]
}
