/// What a query asks of an index, normalized the way Firestore plans it.
///
/// Firestore completes every query's ordering before choosing an index (REST reference,
/// `StructuredQuery.orderBy`): fields with an inequality filter that are not ordered explicitly are
/// appended in lexicographic order, then `__name__`, all with the direction of the last explicit
/// ordering (ascending when there is none). An equality (`==`) field needs no ordering, because its
/// value is fixed. The rest of the rules the coverage check applies are in `IndexCoverage`.
public struct QueryShape: Sendable, Equatable {
    /// Fields fixed by `==` or `in` that are not part of the ordering: an index must start with them
    /// (in any order) or merge them from several indexes.
    public var equalityFields: [String]
    /// The `array-contains` / `array-contains-any` field, served by an array-contains index entry.
    public var arrayField: String?
    /// Fields with a range or inequality filter (`<`, `<=`, `>`, `>=`, `!=`, `not-in`).
    public var rangeFields: [String]
    /// The completed ordering without `__name__`: what the index must end with, in this order and
    /// with these directions.
    public var ordering: [CriticalQuery.Order]
    /// The direction of the implicit final `__name__` ordering.
    public var nameDirection: SortDirection
    /// Reasons Firestore rejects the query whatever the indexes.
    public var rejections: [String]
    /// Legal but worth a look.
    public var warnings: [String]

    public init(_ query: CriticalQuery) {
        var equalities: [String] = []
        var arrayFields: [String] = []
        var ranges: [String] = []
        var rejections: [String] = []
        var warnings: [String] = []
        for filter in query.filters {
            switch filter.op.indexUse {
            case .equality: if !equalities.contains(filter.field) { equalities.append(filter.field) }
            case .arrayMembership: arrayFields.append(filter.field)
            case .range: if !ranges.contains(filter.field) { ranges.append(filter.field) }
            }
        }
        let ops = query.filters.map(\.op)
        if arrayFields.count > 1 {
            rejections.append("more than one array-contains / array-contains-any filter (Firestore allows one per query)")
        }
        if ops.filter({ $0 == .notIn }).count > 1 { rejections.append("more than one not-in filter (Firestore allows one per query)") }
        if ops.contains(.notIn) && ops.contains(.notEqual) { rejections.append("not-in combined with != (Firestore refuses this combination)") }
        if ops.contains(.notIn) && (ops.contains(.in) || ops.contains(.arrayContainsAny)) {
            rejections.append("not-in combined with in or array-contains-any (Firestore refuses this combination)")
        }

        // Complete the ordering as Firestore does.
        var explicit: [CriticalQuery.Order] = []
        var nameDirection: SortDirection?
        for order in query.orderBy {
            if explicit.contains(where: { $0.field == order.field }) {
                rejections.append("orderBy \(order.field) is given twice")
                continue
            }
            if order.field == IndexFieldPath.documentID { nameDirection = order.direction; break }
            explicit.append(order)
        }
        let appendedDirection = query.orderBy.last?.direction ?? .ascending
        let missingRanges = ranges.filter { field in !explicit.contains { $0.field == field } && field != IndexFieldPath.documentID }
        var ordering = explicit
        if nameDirection == nil {
            ordering += missingRanges.sorted().map { CriticalQuery.Order($0, appendedDirection) }
        } else if !missingRanges.isEmpty {
            rejections.append("orderBy __name__ comes before the inequality fields \(missingRanges.joined(separator: ", ")); order by them first")
        }
        if let first = explicit.first, !ranges.isEmpty, !ranges.contains(first.field) {
            warnings.append(
                "the first orderBy (\(first.field)) is not the inequality field (\(ranges.joined(separator: ", "))): "
                + "older Firestore SDKs reject this, and the index scans every \(first.field) entry before filtering")
        }
        // `==` fields are constant, so ordering by one is a no-op; `in` fields stay ordered.
        let fixed = Set(query.filters.filter { $0.op == .equal }.map(\.field))
        ordering.removeAll { fixed.contains($0.field) }
        let ordered = Set(ordering.map(\.field))

        self.equalityFields = equalities.filter { !ordered.contains($0) }
        self.arrayField = arrayFields.first
        self.rangeFields = ranges
        self.ordering = ordering
        self.nameDirection = nameDirection ?? ordering.last?.direction ?? appendedDirection
        self.rejections = rejections
        self.warnings = warnings
    }

    /// The fields an index prefix (or merged prefixes) must supply.
    public var prefixFields: Set<String> {
        var fields = Set(equalityFields)
        if let arrayField { fields.insert(arrayField) }
        return fields
    }

    /// The composite index Firestore's "requires an index" error would propose: equality fields
    /// ascending and the array field in filter order, then the ordering.
    public func suggestedIndex(for query: CriticalQuery) -> CompositeIndex {
        var fields: [IndexField] = []
        for filter in query.filters {
            if filter.field == arrayField, !fields.contains(where: { $0.fieldPath == filter.field }) {
                fields.append(IndexField(filter.field, .arrayContains))
            } else if equalityFields.contains(filter.field), !fields.contains(where: { $0.fieldPath == filter.field }) {
                fields.append(IndexField(filter.field, .ascending))
            }
        }
        fields += ordering.map { IndexField($0.field, $0.direction == .ascending ? .ascending : .descending) }
        if nameDirection != (ordering.last?.direction ?? .ascending) {
            fields.append(IndexField(IndexFieldPath.documentID, nameDirection == .ascending ? .ascending : .descending))
        }
        return CompositeIndex(collectionGroup: query.collection, queryScope: query.queryScope, fields: fields)
    }
}
