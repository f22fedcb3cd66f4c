import Foundation

/// A long-running operation (`google.longrunning.Operation`) returned by index creation, field
/// patches, exports and imports, with its Firestore metadata decoded.
public struct AdminOperation: Sendable, CustomStringConvertible {
    /// Work done out of work estimated (`progressDocuments`, `progressBytes`).
    public struct Progress: Sendable, Hashable {
        public var completed: Int64
        public var estimated: Int64
        /// 0…1, or `nil` when nothing is estimated yet.
        public var fraction: Double? { estimated > 0 ? min(1, Double(completed) / Double(estimated)) : nil }
    }

    /// One single-field index a field operation adds or removes (`IndexConfigDelta`).
    public struct IndexConfigDelta: Sendable, Hashable, CustomStringConvertible {
        /// `ADD` or `REMOVE`.
        public var changeType: String
        public var index: AdminField.Index?

        public var description: String { "\(changeType) \(index?.description ?? "?")" }
    }

    /// `projects/P/databases/D/operations/ID`.
    public var name: String
    public var done: Bool
    /// The metadata's `@type` without its prefix: `IndexOperationMetadata`, `ExportDocumentsMetadata`, …
    public var kind: String
    /// `PROCESSING`, `SUCCESSFUL`, `FAILED`, `CANCELLED`, … (`state` or `operationState` in the metadata).
    public var state: String?
    public var startTime: Timestamp?
    public var endTime: Timestamp?
    public var documents: Progress?
    public var bytes: Progress?
    /// The index an index operation builds.
    public var indexName: String?
    /// The field a field operation (`FieldOperationMetadata`) reconfigures:
    /// `projects/P/databases/D/collectionGroups/G/fields/PATH`.
    public var fieldName: String?
    /// The single-field indexes a field operation adds and removes.
    public var indexConfigDeltas: [IndexConfigDelta]
    /// `ADD` or `REMOVE` of a TTL policy, for a field operation that changes one.
    public var ttlConfigDelta: String?
    /// Where an export writes (metadata) or wrote (response).
    public var outputUriPrefix: String?
    public var collectionIDs: [String]
    /// Set when the operation finished with an error.
    public var error: FirestoreError?
    /// The `response` on success (an Index, an ExportDocumentsResponse, or empty).
    public var response: JSON?

    public var succeeded: Bool { done && error == nil }

    public var description: String {
        let percent = documents?.fraction.map { " \(Int($0 * 100))%" } ?? ""
        let subject = fieldName.map { " (\($0))" } ?? ""
        return "\(kind) \(name)\(subject): \(done ? (error == nil ? "done" : "failed") : (state ?? "running"))\(percent)"
    }

    /// Decodes an Operation resource; `target` names the database in a decoded error.
    public init(json: JSON, target: String) throws(AdminDecodingError) {
        guard let name = json["name"]?.stringValue else { throw AdminDecodingError("Operation without a name") }
        self.name = name
        done = json["done"]?.boolValue ?? false
        let metadata = json["metadata"] ?? .object([:])
        kind = metadata["@type"]?.stringValue.map { String($0.split(separator: ".").last ?? Substring($0)) } ?? "Operation"
        state = metadata["operationState"]?.stringValue ?? metadata["state"]?.stringValue
        startTime = metadata["startTime"]?.stringValue.flatMap { try? Timestamp(rfc3339: $0) }
        endTime = metadata["endTime"]?.stringValue.flatMap { try? Timestamp(rfc3339: $0) }
        documents = Self.progress(metadata["progressDocuments"])
        bytes = Self.progress(metadata["progressBytes"])
        indexName = metadata["index"]?.stringValue
        let field = metadata["field"]?.stringValue
        fieldName = field
        indexConfigDeltas = (metadata["indexConfigDeltas"]?.arrayValue ?? []).map { delta in
            IndexConfigDelta(
                changeType: delta["changeType"]?.stringValue ?? "CHANGE_TYPE_UNSPECIFIED",
                index: delta["index"].flatMap { try? AdminField.Index(json: $0, field: field ?? name) })
        }
        ttlConfigDelta = metadata["ttlConfigDelta"]?["changeType"]?.stringValue
        response = json["response"]
        outputUriPrefix = response?["outputUriPrefix"]?.stringValue ?? metadata["outputUriPrefix"]?.stringValue
        collectionIDs = (metadata["collectionIds"]?.arrayValue ?? []).compactMap(\.stringValue)
        if let status = json["error"] {
            // google.rpc.Status carries the numeric gRPC code.
            let number = status["code"]?.int64Value ?? 2
            error = FirestoreError(
                code: Self.grpcCodes[Int(number)] ?? .unknown, message: status["message"]?.stringValue ?? "operation failed",
                operation: "operation \(name)", target: target)
        } else {
            error = nil
        }
    }

    /// The built index carried by a finished index operation.
    public var index: AdminIndex? {
        guard let response, response["name"] != nil else { return nil }
        return try? AdminIndex(json: response)
    }

    private static func progress(_ json: JSON?) -> Progress? {
        guard let json else { return nil }
        return Progress(completed: json["completedWork"]?.int64Value ?? 0, estimated: json["estimatedWork"]?.int64Value ?? 0)
    }

    /// gRPC canonical codes by number (google.rpc.Code).
    static let grpcCodes: [Int: FirestoreError.Code] = [
        1: .cancelled, 2: .unknown, 3: .invalidArgument, 4: .deadlineExceeded, 5: .notFound, 6: .alreadyExists,
        7: .permissionDenied, 8: .resourceExhausted, 9: .failedPrecondition, 10: .aborted, 11: .outOfRange,
        12: .unimplemented, 13: .internal, 14: .unavailable, 15: .dataLoss, 16: .unauthenticated,
    ]
}
