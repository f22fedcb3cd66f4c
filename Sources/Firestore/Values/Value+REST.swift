import Foundation

/// A REST payload whose shape is not what Firestore's v1 API documents.
public struct FirestoreDecodingError: Error, Sendable, CustomStringConvertible {
    /// Where in the payload, e.g. `fields.skills.arrayValue.values[2]`.
    public var path: String
    public var reason: String
    public var description: String { "unexpected Firestore JSON at \(path.isEmpty ? "<root>" : path): \(reason)" }
}

extension Value {
    /// The v1 REST form: `{"integerValue": "12"}`, `{"doubleValue": "NaN"}`, `{"mapValue": {"fields": …}}`.
    public var json: JSON {
        switch self {
        case .null: return .object(["nullValue": .null])
        case .boolean(let b): return .object(["booleanValue": .bool(b)])
        case .integer(let i): return .object(["integerValue": .string(String(i))])
        case .double(let d): return .object(["doubleValue": Value.doubleJSON(d)])
        case .timestamp(let t): return .object(["timestampValue": .string(t.rfc3339)])
        case .string(let s): return .object(["stringValue": .string(s)])
        case .bytes(let d): return .object(["bytesValue": .string(d.base64EncodedString())])
        case .reference(let r): return .object(["referenceValue": .string(r)])
        case .geoPoint(let lat, let lon):
            return .object(["geoPointValue": .object(["latitude": Value.doubleJSON(lat), "longitude": Value.doubleJSON(lon)])])
        case .array(let values): return .object(["arrayValue": .object(["values": .array(values.map(\.json))])])
        case .map(let fields): return .object(["mapValue": .object(["fields": Value.fieldsJSON(fields)])])
        }
    }

    static func fieldsJSON(_ fields: [String: Value]) -> JSON {
        .object(fields.mapValues(\.json))
    }

    /// Finite doubles as JSON numbers (Swift prints the shortest text that reads back exactly);
    /// NaN and the infinities as the strings proto3 JSON uses.
    static func doubleJSON(_ d: Double) -> JSON {
        if d.isNaN { return .string("NaN") }
        if d.isInfinite { return .string(d < 0 ? "-Infinity" : "Infinity") }
        return .number(d.description)
    }

    static func decodeDouble(_ json: JSON?, at path: String) throws(FirestoreDecodingError) -> Double {
        switch json {
        case nil: return 0  // proto3 JSON omits zero values
        case .number(let text)?:
            if let d = Double(text) { return d }
        case .string(let text)?:
            switch text {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default: if let d = Double(text) { return d }
            }
        default: break
        }
        throw FirestoreDecodingError(path: path, reason: "not a double")
    }

    /// Decodes one REST value object. `path` prefixes the location named in an error.
    public init(json: JSON, path: String = "") throws(FirestoreDecodingError) {
        do { self = try Value.decode(json) } catch { throw error.under(path) }
    }

    /// The hot path of every read: no location strings are built unless something is wrong.
    static func decode(_ json: JSON) throws(FirestoreDecodingError) -> Value {
        guard case .object(let members) = json, members.count == 1, let (kind, payload) = members.first else {
            throw FirestoreDecodingError(path: "", reason: "a value object has exactly one member, e.g. {\"stringValue\": \"x\"}")
        }
        switch kind {
        case "stringValue":
            if case .string(let s) = payload { return .string(s) }
        case "integerValue":
            if let i = payload.int64Value { return .integer(i) }
        case "doubleValue":
            return .double(try Value.decodeDouble(payload, at: "doubleValue"))
        case "booleanValue":
            if case .bool(let b) = payload { return .boolean(b) }
        case "nullValue":
            return .null
        case "timestampValue":
            guard case .string(let text) = payload else { break }
            do { return .timestamp(try Timestamp(rfc3339: text)) } catch {
                throw FirestoreDecodingError(path: "timestampValue", reason: error.description)
            }
        case "mapValue":
            guard case .object(let map) = payload else { break }
            guard let fields = map["fields"] else { return .map([:]) }
            do { return .map(try Value.decodeFields(fields)) } catch { throw error.under("mapValue.fields") }
        case "arrayValue":
            guard case .object(let array) = payload else { break }
            guard let values = array["values"] else { return .array([]) }
            guard case .array(let elements) = values else { break }
            var out: [Value] = []
            out.reserveCapacity(elements.count)
            for (i, element) in elements.enumerated() {
                do { out.append(try decode(element)) } catch { throw error.under("arrayValue.values[\(i)]") }
            }
            return .array(out)
        case "bytesValue":
            if case .string(let text) = payload, let data = Value.decodeBase64(text) { return .bytes(data) }
        case "referenceValue":
            if case .string(let r) = payload { return .reference(r) }
        case "geoPointValue":
            guard case .object(let point) = payload else { break }
            return .geoPoint(
                latitude: try Value.decodeDouble(point["latitude"], at: "geoPointValue.latitude"),
                longitude: try Value.decodeDouble(point["longitude"], at: "geoPointValue.longitude"))
        default:
            throw FirestoreDecodingError(path: "", reason: "unsupported value type \"\(kind)\"")
        }
        throw FirestoreDecodingError(path: "", reason: "malformed \(kind)")
    }

    /// Base64 as Google sends it: standard or URL-safe alphabet, padding optional.
    static func decodeBase64(_ text: String) -> Data? {
        if let data = Data(base64Encoded: text) { return data }
        var normalized = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while normalized.utf8.count % 4 != 0 { normalized += "=" }
        return Data(base64Encoded: normalized)
    }

    static func decodeFields(_ json: JSON, at path: String = "") throws(FirestoreDecodingError) -> [String: Value] {
        guard case .object(let members) = json else { throw FirestoreDecodingError(path: path, reason: "fields must be an object") }
        var fields: [String: Value] = [:]
        fields.reserveCapacity(members.count)
        for (key, value) in members {
            do { fields[key] = try decode(value) } catch { throw error.under(path.isEmpty ? key : path + "." + key) }
        }
        return fields
    }
}

extension FirestoreDecodingError {
    /// The same error, located below `prefix`.
    func under(_ prefix: String) -> FirestoreDecodingError {
        guard !prefix.isEmpty else { return self }
        return FirestoreDecodingError(path: path.isEmpty ? prefix : prefix + "." + path, reason: reason)
    }
}

extension Document {
    /// The v1 REST form (name, fields, and the server times when known).
    public var json: JSON {
        var members: [String: JSON] = ["name": .string(name), "fields": Value.fieldsJSON(fields)]
        if let createTime { members["createTime"] = .string(createTime.rfc3339) }
        if let updateTime { members["updateTime"] = .string(updateTime.rfc3339) }
        return .object(members)
    }

    public init(json: JSON) throws(FirestoreDecodingError) {
        guard case .object(let members) = json, case .string(let name)? = members["name"] else {
            throw FirestoreDecodingError(path: "document", reason: "a document needs a string \"name\"")
        }
        let fields = try members["fields"].map { (f) throws(FirestoreDecodingError) in try Value.decodeFields(f, at: "") } ?? [:]
        func time(_ key: String) throws(FirestoreDecodingError) -> Timestamp? {
            guard let value = members[key] else { return nil }
            guard case .string(let text) = value else { throw FirestoreDecodingError(path: key, reason: "not a string") }
            do { return try Timestamp(rfc3339: text) } catch { throw FirestoreDecodingError(path: key, reason: error.description) }
        }
        self.init(name: name, fields: fields, createTime: try time("createTime"), updateTime: try time("updateTime"))
    }
}
