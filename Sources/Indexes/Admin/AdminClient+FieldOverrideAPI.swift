import Firestore

/// The field-override half of `IndexAdminAPI` on the Admin API client.
extension AdminClient {
    public func deployedFieldOverrides() async throws(FirestoreError) -> [DeployedFieldOverride] {
        try await listFieldOverrides().map(DeployedFieldOverride.init(adminField:))
    }

    public func applyFieldOverride(_ override: FieldOverride) async throws(FirestoreError) -> FieldOverrideOperation {
        var indexes: [AdminField.Index] = []
        for index in override.indexes {
            let mode: AdminField.Index.Mode
            switch index.mode {
            case .ascending: mode = .ascending
            case .descending: mode = .descending
            case .arrayContains: mode = .arrayContains
            case .vector, .unrecognised:
                throw FirestoreError(
                    code: .invalidArgument, message: "\(override.summary): a single-field index is ascending, descending or array-contains",
                    operation: "patch field", target: databaseName)
            }
            indexes.append(AdminField.Index(
                queryScope: index.queryScope == .collectionGroup ? .collectionGroup : .collection, mode: mode,
                apiScope: AdminIndex.APIScope(rawValue: index.apiScope ?? "ANY_API")))
        }
        let operation = try await patchField(
            collectionGroup: override.collectionGroup, fieldPath: override.fieldPath, indexes: indexes, ttl: override.ttl)
        return FieldOverrideOperation(adminOperation: operation, fieldName: operation.fieldName ?? "")
    }

    public func resetFieldOverride(name: String) async throws(FirestoreError) -> FieldOverrideOperation {
        let operation = try await resetField(named: name)
        return FieldOverrideOperation(adminOperation: operation, fieldName: operation.fieldName ?? name)
    }

    public func fieldOverrideOperations() async throws(FirestoreError) -> [FieldOverrideOperation] {
        try await listOperations().compactMap { operation in
            operation.fieldName.map { FieldOverrideOperation(adminOperation: operation, fieldName: $0) }
        }
    }
}

extension DeployedFieldOverride {
    /// A field read back from the Admin API. A single-field index of a kind (or query scope) this
    /// tool does not know becomes `.unrecognised`, so the override diffs as different, not equal.
    public init(adminField field: AdminField) {
        var indexes: [FieldOverride.SingleFieldIndex] = []
        var states: [DeployedIndex.State] = []
        for index in field.indexes {
            let scope: QueryScope = index.queryScope == .collectionGroup ? .collectionGroup : .collection
            var mode: IndexFieldMode = switch index.mode {
            case .ascending: .ascending
            case .descending: .descending
            case .arrayContains: .arrayContains
            case .unknown(let json): .unrecognised(json.text)
            }
            if index.queryScope == .collectionRecursive { mode = .unrecognised("\(index.description)") }
            indexes.append(.init(queryScope: scope, mode: mode, apiScope: index.apiScope == .anyAPI ? nil : index.apiScope.rawValue))
            states.append(index.state.flatMap { DeployedIndex.State(rawValue: $0.rawValue) } ?? .ready)
        }
        self.init(
            name: field.name,
            override: FieldOverride(collectionGroup: field.collectionGroup, fieldPath: field.fieldPath, ttl: field.ttlState != nil, indexes: indexes),
            indexStates: states, usesAncestorConfig: field.usesAncestorConfig, reverting: field.reverting)
    }
}

extension FieldOverrideOperation {
    init(adminOperation operation: AdminOperation, fieldName: String) {
        var changes = operation.indexConfigDeltas.map(\.description)
        if let ttl = operation.ttlConfigDelta { changes.append("TTL \(ttl)") }
        self.init(
            name: operation.name, fieldName: fieldName, done: operation.done, state: operation.state,
            startTime: operation.startTime?.rfc3339, changes: changes,
            completedDocuments: operation.documents?.completed, estimatedDocuments: operation.documents?.estimated,
            errorMessage: operation.error?.message)
    }
}
