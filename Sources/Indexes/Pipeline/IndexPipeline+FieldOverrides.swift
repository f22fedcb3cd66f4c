import Firestore

extension IndexPipeline {
    /// The field-override half of `deploy`: patches each override that is missing or differs (the
    /// Firebase CLI's `patchField`), leaves applied and applying ones alone, and resets extras to
    /// their inherited indexes only with `prune`. A field that is only listed for its TTL policy is
    /// never reset (as the Firebase CLI never deletes TTL fields).
    func deployFieldOverrides(_ diff: FieldOverrideDiff, prune: Bool, into report: inout DeployReport) async {
        // Turning a TTL policy off goes first: a collection group has at most one TTL field, so
        // moving it needs the old one off before the new one is on (the Firebase CLI's order).
        let inFile = diff.entries.filter { $0.fileOffset != nil }
        let ordered = inFile.filter { $0.override.ttl == false } + inFile.filter { $0.override.ttl != false }
            + diff.entries.filter { $0.fileOffset == nil }
        for entry in ordered {
            let summary = entry.summary
            switch entry.status {
            case .missing, .differs:
                do {
                    let operation = try await admin.applyFieldOverride(entry.override)
                    report.overridesUpdated.append(summary)
                    report.operations.append(operation.name)
                    events.emit(.patching(environment: environment, field: summary, changes: entry.differences))
                } catch where error.code == .failedPrecondition || error.code == .aborted {
                    // Another deploy started an update of this field first: fine if it applies the file's override.
                    if await isBeingApplied(entry.override) {
                        report.overridesUnchanged.append(summary)
                        events.emit(.alreadyExists(environment: environment, index: summary))
                    } else {
                        report.failed.append("\(summary): \(error)")
                        events.emit(.failed(environment: environment, index: summary, reason: error.description))
                    }
                } catch {
                    report.failed.append("\(summary): \(error)")
                    events.emit(.failed(environment: environment, index: summary, reason: error.description))
                }
            case .applied, .applying:
                report.overridesUnchanged.append(summary)
                events.emit(.alreadyExists(environment: environment, index: summary))
            case .needsRepair:
                let reason = "a single-field index NEEDS_REPAIR: remove the override in the console (or from the file and run with --prune) and deploy again"
                report.failed.append("\(summary): \(reason)")
                events.emit(.failed(environment: environment, index: summary, reason: reason))
            case .extra:
                guard prune, let deployed = entry.deployed, !deployed.usesAncestorConfig, entry.operation == nil else {
                    report.overridesLeftAlone.append(summary)
                    events.emit(.leftAlone(environment: environment, index: summary))
                    continue
                }
                do {
                    let operation = try await admin.resetFieldOverride(name: deployed.name)
                    report.overridesReset.append(summary)
                    report.operations.append(operation.name)
                    events.emit(.reset(environment: environment, field: summary))
                } catch {
                    report.failed.append("reset \(summary): \(error)")
                    events.emit(.failed(environment: environment, index: summary, reason: error.description))
                }
            }
        }
    }

    /// Whether the field is now deployed as `override` says, or being updated to it.
    private func isBeingApplied(_ override: FieldOverride) async -> Bool {
        guard let fields = try? await admin.deployedFieldOverrides(), let operations = try? await admin.fieldOverrideOperations() else {
            return false
        }
        let diff = FieldOverrideDiff(file: IndexFile(indexes: [], fieldOverrides: [override]), deployed: fields, operations: operations)
        return diff.entries.first.map { $0.status == .applied || $0.status == .applying } ?? false
    }
}
