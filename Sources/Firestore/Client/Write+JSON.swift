import Foundation

extension Write {
    /// The v1 REST `Write` message, with `path` resolved against `root` (`projects/…/documents`).
    func json(root: String) -> JSON {
        let name = FirestoreClient.resolve(path, root: root)
        var members: [String: JSON] = [:]
        switch kind {
        case .update(let fields, let mask):
            members["update"] = .object(["name": .string(name), "fields": Value.fieldsJSON(fields)])
            if let mask { members["updateMask"] = .object(["fieldPaths": .array(mask.map { .string($0.encoded) })]) }
        case .delete:
            members["delete"] = .string(name)
        case .transform:
            members["transform"] = .object([
                "document": .string(name), "fieldTransforms": .array(transforms.map(\.json)),
            ])
        }
        if !transforms.isEmpty, kind != .transform { members["updateTransforms"] = .array(transforms.map(\.json)) }
        if let precondition { members["currentDocument"] = precondition.json }
        return .object(members)
    }
}

extension Precondition {
    var json: JSON {
        switch self {
        case .exists(let exists): .object(["exists": .bool(exists)])
        case .updateTime(let time): .object(["updateTime": .string(time.rfc3339)])
        }
    }
}

extension FieldTransform {
    var json: JSON {
        var members: [String: JSON] = ["fieldPath": .string(field.encoded)]
        switch operation {
        case .serverTimestamp: members["setToServerValue"] = .string("REQUEST_TIME")
        case .increment(let v): members["increment"] = v.json
        case .maximum(let v): members["maximum"] = v.json
        case .minimum(let v): members["minimum"] = v.json
        case .appendMissingElements(let values): members["appendMissingElements"] = .object(["values": .array(values.map(\.json))])
        case .removeAllFromArray(let values): members["removeAllFromArray"] = .object(["values": .array(values.map(\.json))])
        }
        return .object(members)
    }
}

extension WriteResult {
    init(json: JSON) throws(FirestoreDecodingError) {
        var time: Timestamp?
        if let text = json["updateTime"]?.stringValue {
            do { time = try Timestamp(rfc3339: text) } catch { throw FirestoreDecodingError(path: "updateTime", reason: error.description) }
        }
        var results: [Value] = []
        for (i, element) in (json["transformResults"]?.arrayValue ?? []).enumerated() {
            results.append(try Value(json: element, path: "transformResults[\(i)]"))
        }
        self.init(updateTime: time, transformResults: results)
    }
}

extension FirestoreError.Code {
    /// The numeric google.rpc.Code used inside `status` objects (batchWrite answers).
    public init?(grpcNumber: Int) {
        let byNumber: [Int: FirestoreError.Code] = [
            1: .cancelled, 2: .unknown, 3: .invalidArgument, 4: .deadlineExceeded, 5: .notFound, 6: .alreadyExists,
            7: .permissionDenied, 8: .resourceExhausted, 9: .failedPrecondition, 10: .aborted, 11: .outOfRange,
            12: .unimplemented, 13: .internal, 14: .unavailable, 15: .dataLoss, 16: .unauthenticated,
        ]
        guard let code = byNumber[grpcNumber] else { return nil }
        self = code
    }
}
