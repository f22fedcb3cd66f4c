import XCTest
import Firestore
@testable import Migrations

/// Runs every case of Tests/MigrationsTests/Vectors through the normalizer, the `up` transform and
/// the validator: the read model, the exact write, idempotency and coverage of every rule.
final class VectorTests: XCTestCase {
    /// Stands for the commit time of a write in the comparison with a vector's marker.
    let serverTimeSentinel = Value.reference("projects/vectors/databases/(default)/documents/server/time")
    let commitTime = Value.timestamp(Timestamp(seconds: 1_795_000_000, nanos: 123_000_000))

    /// Fields each migration may write (SCHEMA.md: only what v2 adds or changes).
    let writable: [String: Set<String>] = [
        "trades": ["skillsOffered", "skillsWanted", "skillsOfferedDetail", "skillsWantedDetail", "participants",
                   "createdAt", "createdAtLegacy", "schemaVersion", "migrationId"],
        "conversations": ["participantIds", "updatedAt", "schemaVersion", "migrationId"],
        "notifications": ["read", "createdAt", "createdAtLegacy", "schemaVersion", "migrationId"],
    ]

    func testReadModels() throws {
        for file in try VectorFile.loadAll() {
            let normalizer = try XCTUnwrap(TradeYaV2.normalizer(for: file.collection))
            for vector in file.cases {
                let model = normalizer.normalize(vector.input).model
                XCTAssertTrue(Value.map(model.fields).isIdentical(to: .map(vector.modelFields)),
                              "\(vector.label): read model\n got      \(sorted(model.fields))\n expected \(sorted(vector.modelFields))")
                // Field by field through the view, including fields v2 removes.
                for key in Set(vector.modelFields.keys).union(vector.input.keys) {
                    let expected = vector.modelFields[key]
                    XCTAssertTrue(model[key].map { value in expected.map { value.isIdentical(to: $0) } ?? false } ?? (expected == nil),
                                  "\(vector.label): model[\(key)] is \(String(describing: model[key])), expected \(String(describing: expected))")
                }
                XCTAssertEqual(model.schemaVersion, vector.modelSchemaVersion, "\(vector.label): schemaVersion")
                XCTAssertEqual(model.compatibilityLayerUsed, vector.modelCompatibilityLayerUsed, "\(vector.label): compatibilityLayerUsed")
            }
        }
    }

    func testOutcomesAndStoredDocuments() throws {
        for file in try VectorFile.loadAll() {
            let migration = try XCTUnwrap(TradeYaV2.plan().migration(id: file.migrationID))
            for vector in file.cases {
                let document = Document(name: "projects/vectors/databases/(default)/documents/\(file.collection)/v", fields: vector.input)
                let outcome = migration.up(document)
                switch (vector.expected, outcome) {
                case (.migrate(let mask, let stamps, var stored, let markers), .migrate(let change)):
                    XCTAssertEqual(Set(change.updateMask.map(\.encoded)), mask, "\(vector.label): update mask")
                    XCTAssertEqual(change.serverTimestamps.map(\.encoded), stamps, "\(vector.label): server timestamps")
                    for key in markers { stored[key] = serverTimeSentinel }
                    let applied = change.applied(to: vector.input, serverTime: serverTimeSentinel)
                    XCTAssertTrue(Value.map(applied).isIdentical(to: .map(stored)),
                                  "\(vector.label): stored v2\n got      \(sorted(applied))\n expected \(sorted(stored))")
                    checkWriteIsMinimal(change, input: vector.input, collection: file.collection, label: vector.label)
                    checkIdempotent(change, input: vector.input, migration: migration, name: document.name, label: vector.label)
                    guard case .notMigrated = migration.validate(document) else {
                        return XCTFail("\(vector.label): the validator must reject the unmigrated input")
                    }
                case (.skipped, .skipped):
                    XCTAssertEqual(migration.validate(document), .valid, vector.label)
                case (.anomaly(let expected), .anomaly(let anomalies)):
                    let got = Set(anomalies.map { VectorCase.AnomalyKey(code: $0.code, field: $0.field) })
                    XCTAssertEqual(got, expected, vector.label)
                    XCTAssertEqual(got.count, anomalies.count, "\(vector.label): an anomaly reported twice")
                    for anomaly in anomalies { XCTAssertFalse(anomaly.reason.isEmpty, vector.label) }
                    XCTAssertEqual(migration.validate(document), .anomaly(anomalies), vector.label)
                default:
                    XCTFail("\(vector.label): expected \(vector.expected), got \(outcome)")
                }
            }
        }
    }

    /// Every mask path changes something, lies in a field SCHEMA.md lets the migration write, and
    /// the REST `fields` carry exactly the set values.
    func checkWriteIsMinimal(_ change: DocumentChange, input: [String: Value], collection: String, label: String) {
        let allowed = writable[collection] ?? []
        for update in change.updates {
            XCTAssertTrue(allowed.contains(update.path.segments[0]), "\(label): writes \(update.path), which SCHEMA.md does not add or change")
            let before = Document(name: "x", fields: input)[update.path]
            let unchanged = switch (before, update.newValue) {
            case (nil, nil): true
            case let (b?, n?): b.isIdentical(to: n)
            default: false
            }
            XCTAssertFalse(unchanged, "\(label): \(update.path) is in the mask but does not change")
            let sent = Document(name: "x", fields: change.updateFields)[update.path]
            XCTAssertEqual(sent.map { Value.array([$0]) }, update.newValue.map { Value.array([$0]) }, "\(label): updateFields at \(update.path)")
        }
        XCTAssertEqual(Set(change.updateMask).count, change.updateMask.count, "\(label): a path twice in the mask")
        XCTAssertTrue(Set(change.serverTimestamps).isDisjoint(with: change.updateMask), "\(label): a transform path in the mask")
    }

    /// The migrated document is skipped by a second run and valid for the validator (principle 3).
    func checkIdempotent(_ change: DocumentChange, input: [String: Value], migration: Migration, name: String, label: String) {
        let migrated = Document(name: name, fields: change.applied(to: input, serverTime: commitTime))
        XCTAssertEqual(migration.up(migrated), .skipped, "\(label): a second run must skip")
        XCTAssertEqual(migration.validate(migrated), .valid, "\(label): the migrated document must validate")
    }

    func testEveryRuleAndEveryAnomalyHasAVector() throws {
        for file in try VectorFile.loadAll() {
            let migration = try XCTUnwrap(TradeYaV2.plan().migration(id: file.migrationID))
            let covered = Set(file.cases.flatMap(\.rules))
            for rule in migration.rules where rule.target != "anomaly" {
                XCTAssertTrue(covered.contains(rule.target), "\(file.name): no vector for the rule on \(rule.target)")
            }
            let reported = Set(file.cases.flatMap { vector -> [String] in
                if case .anomaly(let keys) = vector.expected { return keys.map(\.code) }
                return []
            })
            // The anomaly rule lists codes separated by commas, each maybe followed by "(explanation)".
            var text = try XCTUnwrap(migration.rules.first { $0.target == "anomaly" }).text
            while let open = text.firstIndex(of: "("), let close = text[open...].firstIndex(of: ")") {
                text.removeSubrange(open...close)
            }
            let declared = Set(text
                .split(separator: ",")
                .compactMap { $0.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "(" }).first.map(String.init) })
            XCTAssertEqual(declared, reported, "\(file.name): anomalies declared in the rules vs covered by vectors")
        }
    }

    func sorted(_ fields: [String: Value]) -> String {
        fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
    }
}
