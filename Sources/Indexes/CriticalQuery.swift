import Firestore

/// A query the application cannot live without, as declared in `critical-queries.json`.
///
/// One file serves two checks: index coverage (would Firestore answer this query, or fail with "The
/// query requires an index"?) and the performance baseline (how fast does it run before and after
/// the migration?). So a query is described once, with sample parameter values the baseline can
/// run, and converts to Firestore's `StructuredQuery` for execution.
///
/// ```json
/// {"name": "trades-by-creator", "collection": "trades",
///  "where": [{"field": "participants.creator", "op": "==", "parameter": "creator"},
///            {"field": "status", "op": "==", "value": "active"}],
///  "orderBy": [{"field": "createdAt", "direction": "DESCENDING"}], "limit": 20,
///  "parameters": {"creator": "user-123"}}
/// ```
public struct CriticalQuery: Sendable, Equatable {
    /// A comparison operator, spelled as the Firebase SDKs spell it in `where(...)`.
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        case equal = "=="
        case notEqual = "!="
        case lessThan = "<"
        case lessThanOrEqual = "<="
        case greaterThan = ">"
        case greaterThanOrEqual = ">="
        case arrayContains = "array-contains"
        case arrayContainsAny = "array-contains-any"
        case `in` = "in"
        case notIn = "not-in"

        /// The operator's name in the REST API's `FieldFilter.op`.
        public var restName: String {
            switch self {
            case .equal: "EQUAL"
            case .notEqual: "NOT_EQUAL"
            case .lessThan: "LESS_THAN"
            case .lessThanOrEqual: "LESS_THAN_OR_EQUAL"
            case .greaterThan: "GREATER_THAN"
            case .greaterThanOrEqual: "GREATER_THAN_OR_EQUAL"
            case .arrayContains: "ARRAY_CONTAINS"
            case .arrayContainsAny: "ARRAY_CONTAINS_ANY"
            case .in: "IN"
            case .notIn: "NOT_IN"
            }
        }

        /// How the operator uses an index: an equality (`==`, `in`) reads one key range per value;
        /// array membership needs an array-contains index; the rest scan a range of an ordered index.
        public var indexUse: IndexUse {
            switch self {
            case .equal, .in: .equality
            case .arrayContains, .arrayContainsAny: .arrayMembership
            case .notEqual, .lessThan, .lessThanOrEqual, .greaterThan, .greaterThanOrEqual, .notIn: .range
            }
        }

        /// Whether the operand must be an array (`in`, `not-in`, `array-contains-any`).
        public var takesList: Bool { self == .in || self == .notIn || self == .arrayContainsAny }
    }

    /// The three ways a filter uses an index.
    public enum IndexUse: Sendable, Hashable {
        case equality
        case arrayMembership
        case range
    }

    /// A constant, or a named parameter filled from `parameters` (or by the caller).
    public enum Operand: Sendable, Equatable {
        case value(Value)
        case parameter(String)
    }

    public struct Filter: Sendable, Equatable {
        public var field: String
        public var op: Operator
        public var operand: Operand

        public init(_ field: String, _ op: Operator, _ operand: Operand) {
            self.field = field
            self.op = op
            self.operand = operand
        }
    }

    public struct Order: Sendable, Equatable {
        public var field: String
        public var direction: SortDirection

        public init(_ field: String, _ direction: SortDirection = .ascending) {
            self.field = field
            self.direction = direction
        }
    }

    /// A unique, stable name used in reports and baselines, e.g. `trades-by-creator-status`.
    public var name: String
    /// What the application uses the query for.
    public var description: String
    /// The collection ID queried (`trades`).
    public var collection: String
    /// True for a collection-group query (every collection with this ID, at any depth).
    public var allDescendants: Bool
    /// Filters, combined with AND (the only composite the critical queries need).
    public var filters: [Filter]
    public var orderBy: [Order]
    public var limit: Int?
    /// Sample values for the parameters, so the baseline can run the query as written.
    public var parameters: [String: Value]

    public init(
        name: String, description: String = "", collection: String, allDescendants: Bool = false,
        filters: [Filter] = [], orderBy: [Order] = [], limit: Int? = nil, parameters: [String: Value] = [:]
    ) {
        self.name = name
        self.description = description
        self.collection = collection
        self.allDescendants = allDescendants
        self.filters = filters
        self.orderBy = orderBy
        self.limit = limit
        self.parameters = parameters
    }

    /// The scope of index this query needs.
    public var queryScope: QueryScope { allDescendants ? .collectionGroup : .collection }

    /// The filter's operand with parameters substituted (`overrides` win over the sample values).
    ///
    /// - Throws: `CriticalQueryError` naming the parameter when no value is known for it.
    public func resolvedValue(of filter: Filter, overrides: [String: Value] = [:]) throws(CriticalQueryError) -> Value {
        switch filter.operand {
        case .value(let value):
            return value
        case .parameter(let name):
            guard let value = overrides[name] ?? parameters[name] else {
                throw CriticalQueryError(query: self.name, reason: "no value for parameter \"\(name)\": add it to \"parameters\" or pass it")
            }
            return value
        }
    }

    /// A one-line form for reports: `trades where participants.creator == ?creator, status == "active" order by createdAt DESC`.
    public var summary: String {
        var text = allDescendants ? "collection group \(collection)" : collection
        if !filters.isEmpty {
            text += " where " + filters.map { filter in
                let operand: String = switch filter.operand {
                case .parameter(let name): "?\(name)"
                case .value(let value): Self.literal(value)
                }
                return "\(filter.field) \(filter.op.rawValue) \(operand)"
            }.joined(separator: ", ")
        }
        if !orderBy.isEmpty {
            text += " order by " + orderBy.map { "\($0.field) \($0.direction.short)" }.joined(separator: ", ")
        }
        if let limit { text += " limit \(limit)" }
        return text
    }

    /// A value as it would be written in code: `"active"`, `false`, `3`, a timestamp in RFC 3339.
    static func literal(_ value: Value) -> String {
        switch value {
        case .null: "null"
        case .boolean(let bool): "\(bool)"
        case .integer(let integer): "\(integer)"
        case .double(let double): "\(double)"
        case .string(let string): "\"\(string)\""
        case .timestamp(let timestamp): timestamp.rfc3339
        case .array(let values): "[" + values.map(literal).joined(separator: ", ") + "]"
        default: "<\(value.typeName)>"
        }
    }
}

/// A critical query that cannot be used as written.
public struct CriticalQueryError: Error, Sendable, Equatable, CustomStringConvertible {
    public var query: String
    public var reason: String

    public init(query: String, reason: String) {
        self.query = query
        self.reason = reason
    }

    public var description: String { "critical query \"\(query)\": \(reason)" }
}
