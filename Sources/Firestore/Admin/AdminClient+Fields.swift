import Foundation

/// Field overrides: `projects.databases.collectionGroups.fields` get, list and patch.
extension AdminClient {
    /// The filter the Admin API requires to list fields: only overridden ones can be listed, those
    /// with their own index configuration or a time-to-live policy (as the Firebase CLI asks).
    public static let overriddenFieldsFilter = "indexConfig.usesAncestorConfig=false OR ttlConfig:*"

    /// Every field with an index override or a TTL policy, in all collection groups, every page.
    /// The database-wide default (`__default__/fields/*`), which the API always includes, is left out.
    public func listFieldOverrides() async throws(FirestoreError) -> [AdminField] {
        let operation = "list field overrides"
        var fields: [AdminField] = []
        var pageToken: String?
        repeat {
            var query = [URLQueryItem(name: "filter", value: Self.overriddenFieldsFilter), URLQueryItem(name: "pageSize", value: "100")]
            if let pageToken { query.append(URLQueryItem(name: "pageToken", value: pageToken)) }
            let page = try await send("GET", "\(databaseName)/collectionGroups/-/fields", query: query, operation: operation)
            for entry in page["fields"]?.arrayValue ?? [] {
                let field = try decode(operation) { () throws(AdminDecodingError) in try AdminField(json: entry) }
                if !field.isDatabaseDefault { fields.append(field) }
            }
            pageToken = page["nextPageToken"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        } while pageToken != nil
        return fields
    }

    /// One field's configuration, inherited or overridden.
    public func field(collectionGroup: String, fieldPath: String) async throws(FirestoreError) -> AdminField {
        try await field(named: try fieldName(collectionGroup: collectionGroup, fieldPath: fieldPath, operation: "get field"))
    }

    /// One field by its full name (`projects/…/collectionGroups/G/fields/PATH`).
    public func field(named name: String) async throws(FirestoreError) -> AdminField {
        let json = try await sendEncoded("GET", Self.fieldURLPath(name), operation: "get field \(name)")
        return try decode("get field \(name)") { () throws(AdminDecodingError) in try AdminField(json: json) }
    }

    /// Replaces a field's single-field indexes (an empty list exempts it from indexing) and, when
    /// `ttl` is set, turns its time-to-live policy on or off. Only what is named in the update mask
    /// changes: `indexConfig`, plus `ttlConfig` when `ttl` is not nil.
    ///
    /// Returns the long-running operation (`FieldOperationMetadata`) that adds and removes the
    /// index entries; the new configuration is in force once it is done.
    public func patchField(
        collectionGroup: String, fieldPath: String, indexes: [AdminField.Index], ttl: Bool? = nil
    ) async throws(FirestoreError) -> AdminOperation {
        let name = try fieldName(collectionGroup: collectionGroup, fieldPath: fieldPath, operation: "patch field")
        let operation = "patch field \(name)"
        let field = AdminField(name: name, collectionGroup: collectionGroup, fieldPath: try canonical(fieldPath, operation), indexes: indexes)
        var body: [String: JSON] = ["name": .string(name), "indexConfig": field.indexConfigJSON]
        var mask = ["indexConfig"]
        if let ttl {
            mask.append("ttlConfig")
            if ttl { body["ttlConfig"] = .object([:]) }  // an absent ttlConfig under the mask turns TTL off
        }
        let json = try await sendEncoded(
            "PATCH", Self.fieldURLPath(name), query: [URLQueryItem(name: "updateMask", value: mask.joined(separator: ","))],
            body: .object(body), operation: operation)
        return try decode(operation) { () throws(AdminDecodingError) in try AdminOperation(json: json, target: transport.target) }
    }

    /// Removes a field's index override: the field goes back to its ancestor's indexes (what
    /// `indexes deploy --prune` does to an override no longer in the file). A TTL policy stays.
    public func resetField(named name: String) async throws(FirestoreError) -> AdminOperation {
        let operation = "reset field \(name)"
        // indexConfig named in the mask and absent from the body: "revert to the ancestor's configuration".
        let json = try await sendEncoded(
            "PATCH", Self.fieldURLPath(name), query: [URLQueryItem(name: "updateMask", value: "indexConfig")],
            body: .object(["name": .string(name)]), operation: operation)
        return try decode(operation) { () throws(AdminDecodingError) in try AdminOperation(json: json, target: transport.target) }
    }

    private func canonical(_ fieldPath: String, _ operation: String) throws(FirestoreError) -> String {
        do { return try AdminField.canonicalPath(fieldPath) } catch {
            throw FirestoreError(code: .invalidArgument, message: "\(error)", operation: operation, target: transport.target)
        }
    }

    private func fieldName(collectionGroup: String, fieldPath: String, operation: String) throws(FirestoreError) -> String {
        do { return try AdminField.resourceName(database: databaseName, collectionGroup: collectionGroup, fieldPath: fieldPath) } catch {
            throw FirestoreError(code: .invalidArgument, message: "\(error)", operation: operation, target: transport.target)
        }
    }

    /// A field's name as a URL path: the name's segments as `urlPath` encodes them, and the field
    /// path as one segment, so a `/` inside a backtick-quoted segment is `%2F`, not a separator.
    static func fieldURLPath(_ name: String) -> String {
        guard let range = name.range(of: "/fields/") else { return urlPath(name) }
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/;?#%")
        let path = String(name[range.upperBound...])
        return urlPath(String(name[..<range.upperBound])) + (path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path)
    }
}
