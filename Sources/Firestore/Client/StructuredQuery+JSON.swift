extension StructuredQuery {
    /// The v1 REST form of the query.
    public var json: JSON {
        var members: [String: JSON] = [
            "from": .array([.object(["collectionId": .string(collectionID), "allDescendants": .bool(allDescendants)])])
        ]
        if let filter { members["where"] = filter.json }
        if !orders.isEmpty {
            members["orderBy"] = .array(orders.map {
                .object(["field": fieldReference($0.field), "direction": .string($0.direction.rawValue)])
            })
        }
        if let startAt { members["startAt"] = startAt.json }
        if let endAt { members["endAt"] = endAt.json }
        if let offset { members["offset"] = .int(offset) }
        if let limit { members["limit"] = .int(limit) }
        if let select { members["select"] = .object(["fields": .array(select.map(fieldReference))]) }
        return .object(members)
    }

    /// The order Firestore actually applies: explicit orders, else inequality fields (by path),
    /// then `__name__` in the direction of the last order. Paging by cursor needs all of it.
    public var effectiveOrders: [Order] {
        var result = orders
        if result.isEmpty, let filter {
            let fields = Set(filter.inequalityFields).filter { $0 != .documentID }.sorted()
            result = fields.map { Order($0) }
        }
        if result.last?.field != .documentID, !result.contains(where: { $0.field == .documentID }) {
            result.append(Order(.documentID, result.last?.direction ?? .ascending))
        }
        return result
    }
}

func fieldReference(_ path: FieldPath) -> JSON { .object(["fieldPath": .string(path.encoded)]) }

extension Filter {
    public var json: JSON {
        switch self {
        case .field(let path, let op, let value):
            return .object(["fieldFilter": .object(["field": fieldReference(path), "op": .string(op.rawValue), "value": value.json])])
        case .unary(let path, let op):
            return .object(["unaryFilter": .object(["field": fieldReference(path), "op": .string(op.rawValue)])])
        case .and(let filters):
            return .object(["compositeFilter": .object(["op": .string("AND"), "filters": .array(filters.map(\.json))])])
        case .or(let filters):
            return .object(["compositeFilter": .object(["op": .string("OR"), "filters": .array(filters.map(\.json))])])
        }
    }
}

extension Cursor {
    public var json: JSON { .object(["values": .array(values.map(\.json)), "before": .bool(before)]) }
}
