/// A Firestore query, as the v1 `StructuredQuery` message: collection, filters, order, cursors, limit.
///
/// ```swift
/// let query = StructuredQuery(collection: "trades")
///     .filter(.field("status", .equal, "active"))
///     .order(by: "createdAt", .descending)
///     .limit(50)
/// ```
public struct StructuredQuery: Sendable, Hashable {
    /// The collection ID queried (the last segment, e.g. `posts` for `users/u1/posts`).
    public var collectionID: String
    /// Query every collection with this ID below the parent (a collection-group query).
    public var allDescendants: Bool
    public var filter: Filter?
    public var orders: [Order]
    public var startAt: Cursor?
    public var endAt: Cursor?
    public var offset: Int?
    public var limit: Int?
    /// Only these fields are returned (`nil`: all fields).
    public var select: [FieldPath]?

    public init(
        collection collectionID: String, allDescendants: Bool = false, filter: Filter? = nil, orders: [Order] = [],
        startAt: Cursor? = nil, endAt: Cursor? = nil, offset: Int? = nil, limit: Int? = nil, select: [FieldPath]? = nil
    ) {
        self.collectionID = collectionID
        self.allDescendants = allDescendants
        self.filter = filter
        self.orders = orders
        self.startAt = startAt
        self.endAt = endAt
        self.offset = offset
        self.limit = limit
        self.select = select
    }

    /// Adds a filter, AND-ed with any existing one.
    public func filter(_ added: Filter) -> StructuredQuery {
        var copy = self
        if let existing = filter { copy.filter = .and([existing, added]) } else { copy.filter = added }
        return copy
    }

    public func order(by field: FieldPath, _ direction: Order.Direction = .ascending) -> StructuredQuery {
        var copy = self
        copy.orders.append(Order(field, direction))
        return copy
    }

    public func limit(_ n: Int) -> StructuredQuery { var copy = self; copy.limit = n; return copy }
    public func offset(_ n: Int) -> StructuredQuery { var copy = self; copy.offset = n; return copy }
    public func start(at cursor: Cursor) -> StructuredQuery { var copy = self; copy.startAt = cursor; return copy }
    public func end(at cursor: Cursor) -> StructuredQuery { var copy = self; copy.endAt = cursor; return copy }
    public func select(_ fields: [FieldPath]) -> StructuredQuery { var copy = self; copy.select = fields; return copy }
}

/// A `where` clause.
public indirect enum Filter: Sendable, Hashable {
    case field(FieldPath, Operator, Value)
    case and([Filter])
    case or([Filter])
    case unary(FieldPath, UnaryOperator)

    public enum Operator: String, Sendable, Hashable {
        case lessThan = "LESS_THAN"
        case lessThanOrEqual = "LESS_THAN_OR_EQUAL"
        case greaterThan = "GREATER_THAN"
        case greaterThanOrEqual = "GREATER_THAN_OR_EQUAL"
        case equal = "EQUAL"
        case notEqual = "NOT_EQUAL"
        case arrayContains = "ARRAY_CONTAINS"
        case `in` = "IN"
        case arrayContainsAny = "ARRAY_CONTAINS_ANY"
        case notIn = "NOT_IN"

        /// Inequalities make Firestore order by the field implicitly.
        var isInequality: Bool {
            switch self {
            case .lessThan, .lessThanOrEqual, .greaterThan, .greaterThanOrEqual, .notEqual, .notIn: true
            default: false
            }
        }
    }

    public enum UnaryOperator: String, Sendable, Hashable {
        case isNull = "IS_NULL"
        case isNaN = "IS_NAN"
        case isNotNull = "IS_NOT_NULL"
        case isNotNaN = "IS_NOT_NAN"
    }

    /// Field paths under an inequality, in Firestore's implicit-order sense.
    var inequalityFields: [FieldPath] {
        switch self {
        case .field(let path, let op, _): op.isInequality ? [path] : []
        case .unary(let path, let op): op == .isNotNull || op == .isNotNaN ? [path] : []
        case .and(let filters), .or(let filters): filters.flatMap(\.inequalityFields)
        }
    }
}

public struct Order: Sendable, Hashable {
    public enum Direction: String, Sendable, Hashable {
        case ascending = "ASCENDING"
        case descending = "DESCENDING"
    }

    public var field: FieldPath
    public var direction: Direction

    public init(_ field: FieldPath, _ direction: Direction = .ascending) {
        self.field = field
        self.direction = direction
    }
}

/// A position in the query's order: one value per `orderBy` field (a reference for `__name__`).
public struct Cursor: Sendable, Hashable {
    public var values: [Value]
    /// For `startAt`: true starts at the position, false starts after it. For `endAt`: true ends
    /// before the position, false ends at it (the v1 API's `before` flag).
    public var before: Bool

    public init(values: [Value], before: Bool) {
        self.values = values
        self.before = before
    }

    public static func startAt(_ values: Value...) -> Cursor { Cursor(values: values, before: true) }
    public static func startAfter(_ values: Value...) -> Cursor { Cursor(values: values, before: false) }
    public static func endBefore(_ values: Value...) -> Cursor { Cursor(values: values, before: true) }
    public static func endAt(_ values: Value...) -> Cursor { Cursor(values: values, before: false) }
}
