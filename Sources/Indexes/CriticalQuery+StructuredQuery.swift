import Firestore

extension CriticalQuery {
    /// The query as the Firestore client runs it, with parameters filled in (`overrides` first,
    /// then the file's sample values). The performance baseline runs exactly this.
    ///
    /// - Throws: `CriticalQueryError` when a parameter has no value or a path cannot be encoded.
    public func structuredQuery(parameters overrides: [String: Value] = [:]) throws(CriticalQueryError) -> StructuredQuery {
        var query = StructuredQuery(collection: collection, allDescendants: allDescendants, limit: limit)
        var clauses: [Firestore.Filter] = []
        for filter in filters {
            clauses.append(.field(try path(filter.field), Self.operator(filter.op), try resolvedValue(of: filter, overrides: overrides)))
        }
        switch clauses.count {
        case 0: break
        case 1: query.filter = clauses[0]
        default: query.filter = .and(clauses)
        }
        for order in orderBy {
            query.orders.append(Firestore.Order(try path(order.field), order.direction == .ascending ? .ascending : .descending))
        }
        return query
    }

    private func path(_ text: String) throws(CriticalQueryError) -> FieldPath {
        do {
            return try FieldPath(parsing: text)
        } catch {
            throw CriticalQueryError(query: name, reason: error.description)
        }
    }

    static func `operator`(_ op: Operator) -> Firestore.Filter.Operator {
        switch op {
        case .equal: .equal
        case .notEqual: .notEqual
        case .lessThan: .lessThan
        case .lessThanOrEqual: .lessThanOrEqual
        case .greaterThan: .greaterThan
        case .greaterThanOrEqual: .greaterThanOrEqual
        case .arrayContains: .arrayContains
        case .arrayContainsAny: .arrayContainsAny
        case .in: .in
        case .notIn: .notIn
        }
    }
}
