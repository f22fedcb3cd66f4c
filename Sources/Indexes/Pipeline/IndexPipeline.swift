import Firestore

/// Diff, deploy, wait and verify for one environment's database.
///
/// The Firebase CLI creates indexes and returns; it never waits for them to build. The pipeline
/// is the gate it lacks: `deploy` then `waitUntilReady` (or `verify` later) tells whether every
/// index of the file is READY, and the result is evidence for the "indexes built" gate.
public struct IndexPipeline: Sendable {
    public var environment: String
    public var admin: any IndexAdminAPI
    public var events: IndexEventSink
    /// How often `waitUntilReady` asks for index states (Google's own tooling polls every few
    /// seconds; tests use a fraction of a second).
    public var pollInterval: Duration

    public init(environment: String, admin: any IndexAdminAPI, events: IndexEventSink = .none, pollInterval: Duration = .seconds(10)) {
        self.environment = environment
        self.admin = admin
        self.events = events
        self.pollInterval = pollInterval
    }

    /// The file against what is deployed.
    ///
    /// Lists every collection group's indexes and overridden fields (`collectionGroups/-`, as the
    /// Firebase CLI does), so extras in groups the file never names are found too, and the field
    /// updates, so an override still being applied is not taken for a finished one.
    public func diff(_ file: IndexFile) async throws(FirestoreError) -> IndexDiff {
        let indexes = try await admin.deployedIndexes(collectionGroup: "-")
        let fields = try await admin.deployedFieldOverrides()
        let operations = try await admin.fieldOverrideOperations()
        return IndexDiff(file: file, deployed: indexes, fieldOverrides: FieldOverrideDiff(file: file, deployed: fields, operations: operations))
    }

    /// Creates every index of the file that is not deployed. An index that already exists (in the
    /// listing, or a 409 from the API) is not an error. Deployed indexes missing from the file are
    /// left alone unless `prune` is true. Then patches every field override that is missing or
    /// differs, and (with `prune`) resets overridden fields the file does not name.
    public func deploy(_ file: IndexFile, prune: Bool = false) async throws(FirestoreError) -> DeployReport {
        events.emit(.stepStarted(environment: environment, step: .deploy))
        let diff = try await diff(file)
        var report = DeployReport(environment: environment)
        for entry in diff.entries {
            let summary = entry.index.summary
            switch entry.status {
            case .missing:
                do {
                    let operation = try await admin.startBuilding(entry.index)
                    report.created.append(summary)
                    report.operations.append(operation.name)
                    events.emit(.creating(environment: environment, index: summary))
                } catch where error.code == .alreadyExists {
                    report.existing.append(summary)
                    events.emit(.alreadyExists(environment: environment, index: summary))
                } catch {
                    report.failed.append("\(summary): \(error)")
                    events.emit(.failed(environment: environment, index: summary, reason: error.description))
                }
            case .ready, .building:
                report.existing.append(summary)
                events.emit(.alreadyExists(environment: environment, index: summary))
            case .needsRepair:
                let reason = "deployed but NEEDS_REPAIR: delete it in the console (or run with --prune after removing it from the file) and deploy again"
                report.failed.append("\(summary): \(reason)")
                events.emit(.failed(environment: environment, index: summary, reason: reason))
            case .extra:
                guard prune, let name = entry.deployed?.name else {
                    report.leftAlone.append(summary)
                    events.emit(.leftAlone(environment: environment, index: summary))
                    continue
                }
                do {
                    try await admin.deleteDeployedIndex(name: name)
                    report.deleted.append(summary)
                    events.emit(.deleted(environment: environment, index: summary))
                } catch {
                    report.failed.append("delete \(summary): \(error)")
                    events.emit(.failed(environment: environment, index: summary, reason: error.description))
                }
            }
        }
        await deployFieldOverrides(diff.fieldOverrides, prune: prune, into: &report)
        events.emit(.stepFinished(environment: environment, step: .deploy, succeeded: report.succeeded, summary: report.summary))
        return report
    }
}

/// What `deploy` did.
public struct DeployReport: Sendable, Codable, Equatable {
    public var environment: String
    public var created: [String] = []
    /// Operation names of the builds and field updates started, for following them.
    public var operations: [String] = []
    public var existing: [String] = []
    public var deleted: [String] = []
    public var leftAlone: [String] = []
    public var failed: [String] = []
    /// Field overrides patched because they were missing or differed.
    public var overridesUpdated: [String] = []
    /// Field overrides already as the file says (applied or being applied).
    public var overridesUnchanged: [String] = []
    /// Overridden fields not in the file, reset to their inherited indexes (`prune`).
    public var overridesReset: [String] = []
    /// Overridden fields not in the file, left as they are.
    public var overridesLeftAlone: [String] = []

    public init(environment: String) {
        self.environment = environment
    }

    /// Reports stored before field overrides existed decode with empty override lists.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        environment = try container.decode(String.self, forKey: .environment)
        func list(_ key: CodingKeys) throws -> [String] { try container.decodeIfPresent([String].self, forKey: key) ?? [] }
        created = try list(.created)
        operations = try list(.operations)
        existing = try list(.existing)
        deleted = try list(.deleted)
        leftAlone = try list(.leftAlone)
        failed = try list(.failed)
        overridesUpdated = try list(.overridesUpdated)
        overridesUnchanged = try list(.overridesUnchanged)
        overridesReset = try list(.overridesReset)
        overridesLeftAlone = try list(.overridesLeftAlone)
    }

    public var succeeded: Bool { failed.isEmpty }

    public var summary: String {
        let indexes = "\(created.count) created, \(existing.count) already deployed, \(deleted.count) deleted, "
            + "\(leftAlone.count) extra left alone, \(failed.count) failed"
        let overrides = [overridesUpdated, overridesUnchanged, overridesReset, overridesLeftAlone].allSatisfy(\.isEmpty) ? "" :
            "; field overrides: \(overridesUpdated.count) updated, \(overridesUnchanged.count) unchanged, "
            + "\(overridesReset.count) reset, \(overridesLeftAlone.count) extra left alone"
        return indexes + overrides
    }
}
