import Firestore

extension AdminClient: IndexAdminAPI {
    public func deployedIndexes(collectionGroup: String) async throws(FirestoreError) -> [DeployedIndex] {
        try await listIndexes(collectionGroup: collectionGroup).map { index in
            DeployedIndex(
                name: index.name ?? "",
                index: CompositeIndex(adminIndex: index),
                state: DeployedIndex.State(rawValue: index.state?.rawValue ?? "") ?? .unknown)
        }
    }

    public func startBuilding(_ index: CompositeIndex) async throws(FirestoreError) -> IndexBuildOperation {
        let operation = try await createIndex(try index.adminIndex(target: databaseName))
        return IndexBuildOperation(
            name: operation.name, indexName: operation.indexName, done: operation.done, state: operation.state,
            completedDocuments: operation.documents?.completed, estimatedDocuments: operation.documents?.estimated)
    }

    public func deleteDeployedIndex(name: String) async throws(FirestoreError) {
        try await deleteIndex(named: name)
    }

    public func indexBuildOperations() async throws(FirestoreError) -> [IndexBuildOperation] {
        try await listOperations().filter { $0.indexName != nil }.map { operation in
            IndexBuildOperation(
                name: operation.name, indexName: operation.indexName, done: operation.done, state: operation.state,
                completedDocuments: operation.documents?.completed, estimatedDocuments: operation.documents?.estimated)
        }
    }
}

extension CompositeIndex {
    /// An index read back from the Admin API.
    public init(adminIndex index: AdminIndex) {
        let scope: QueryScope = index.queryScope == .collectionGroup ? .collectionGroup : .collection
        self.init(collectionGroup: index.collectionGroup, queryScope: scope, fields: index.fields.map { field in
            switch field.mode {
            case .ascending: IndexField(field.fieldPath, .ascending)
            case .descending: IndexField(field.fieldPath, .descending)
            case .arrayContains: IndexField(field.fieldPath, .arrayContains)
            }
        })
    }

    /// The Admin API request for this index.
    ///
    /// - Throws: `INVALID_ARGUMENT` for a vector field or a non-default `apiScope`, which the
    ///   Admin client does not send yet; deploy those with `firebase deploy --only firestore:indexes`.
    public func adminIndex(target: String) throws(FirestoreError) -> AdminIndex {
        if let apiScope, apiScope != "ANY_API" {
            throw FirestoreError(code: .invalidArgument, message: "\(summary): apiScope \(apiScope) is not supported by this tool; deploy it with the Firebase CLI",
                                 operation: "create index", target: target)
        }
        var fields: [AdminIndex.Field] = []
        for field in self.fields {
            switch field.mode {
            case .ascending: fields.append(AdminIndex.Field(field.fieldPath, .ascending))
            case .descending: fields.append(AdminIndex.Field(field.fieldPath, .descending))
            case .arrayContains: fields.append(AdminIndex.Field(field.fieldPath, .arrayContains))
            case .vector:
                throw FirestoreError(code: .invalidArgument, message: "\(summary): vector indexes are not supported by this tool; deploy them with the Firebase CLI",
                                     operation: "create index", target: target)
            }
        }
        return AdminIndex(collectionGroup: collectionGroup, queryScope: queryScope == .collectionGroup ? .collectionGroup : .collection, fields: fields)
    }
}
