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
    /// An index read back from the Admin API. A field kind the API reports and this tool does not
    /// know becomes `.unrecognised`, so the index diffs as extra instead of failing the listing.
    public init(adminIndex index: AdminIndex) {
        let scope: QueryScope = index.queryScope == .collectionGroup ? .collectionGroup : .collection
        self.init(
            collectionGroup: index.collectionGroup, queryScope: scope,
            fields: index.fields.map { field in
                switch field.mode {
                case .ascending: IndexField(field.fieldPath, .ascending)
                case .descending: IndexField(field.fieldPath, .descending)
                case .arrayContains: IndexField(field.fieldPath, .arrayContains)
                case .vector(let dimension): IndexField(field.fieldPath, .vector(dimension: dimension))
                case .unknown(let json): IndexField(field.fieldPath, .unrecognised(json.text))
                }
            },
            apiScope: index.apiScope == .anyAPI ? nil : index.apiScope.rawValue, density: index.density)
    }

    /// The Admin API request for this index (vector fields and `apiScope` / `density` included).
    ///
    /// - Throws: `INVALID_ARGUMENT` for an `.unrecognised` field, which only a deployed index has.
    public func adminIndex(target: String) throws(FirestoreError) -> AdminIndex {
        var fields: [AdminIndex.Field] = []
        for field in self.fields {
            switch field.mode {
            case .ascending: fields.append(AdminIndex.Field(field.fieldPath, .ascending))
            case .descending: fields.append(AdminIndex.Field(field.fieldPath, .descending))
            case .arrayContains: fields.append(AdminIndex.Field(field.fieldPath, .arrayContains))
            case .vector(let dimension): fields.append(AdminIndex.Field(field.fieldPath, .vector(dimension: dimension)))
            case .unrecognised:
                throw FirestoreError(code: .invalidArgument, message: "\(summary): a field of a kind this tool does not know cannot be created; remove it or use the Firebase CLI",
                                     operation: "create index", target: target)
            }
        }
        return AdminIndex(
            collectionGroup: collectionGroup, queryScope: queryScope == .collectionGroup ? .collectionGroup : .collection,
            apiScope: AdminIndex.APIScope(rawValue: apiScope ?? "ANY_API"), fields: fields, density: density)
    }
}
