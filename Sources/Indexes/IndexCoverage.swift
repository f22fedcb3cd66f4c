/// Checks each critical query against an index file by Firestore's rules for which indexes serve
/// a query, so a query that would fail in production with "The query requires an index" is found
/// before anyone deploys.
///
/// The rules, from Firestore's documentation ("Index types in Cloud Firestore",
/// https://firebase.google.com/docs/firestore/query-data/index-overview, sections "Single-field
/// indexes", "Composite indexes" and "Taking advantage of index merging"; and the REST reference of
/// `StructuredQuery.orderBy` for how an ordering is completed, see `QueryShape`):
///
/// 1. Automatic single-field indexes (ascending, descending and array-contains, collection scope;
///    none for collection groups) serve a query on one field: one equality, one range or ordering,
///    or one array-contains, unless `fieldOverrides` exempts the field.
/// 2. Several equality (and one array-contains) filters with no ordering are served by merging
///    single-field indexes.
/// 3. Anything else needs composite indexes, each made of some of the equality / array-contains
///    fields (any order; array-contains in CONTAINS mode) followed by exactly the query's ordering,
///    field by field and direction by direction. Several such indexes that end with the same
///    ordering merge, as long as together they hold every equality field.
/// 4. Every index ends with an implicit `__name__` ordering in the direction of its last field
///    (ascending after an array-contains field); it must match the query's implicit `__name__`
///    direction, which is that of the query's last ordering.
/// 5. Indexes serve only queries of their own collection group and scope.
public struct IndexCoverage: Sendable {
    public var indexFile: IndexFile

    public init(indexFile: IndexFile) {
        self.indexFile = indexFile
    }

    /// The verdict for every query, in order.
    public func check(_ queries: [CriticalQuery]) -> CoverageReport {
        CoverageReport(results: queries.map(check))
    }

    /// The verdict for one query.
    public func check(_ query: CriticalQuery) -> QueryCoverage {
        let shape = QueryShape(query)
        if !shape.rejections.isEmpty {
            return QueryCoverage(query: query, verdict: .rejected(shape.rejections), warnings: shape.warnings)
        }
        let needed = shape.prefixFields
        var providers: [(prefix: Set<String>, source: QueryCoverage.Source)] = []
        for (offset, index) in indexFile.indexes.enumerated() {
            if let prefix = prefix(of: index, serving: shape, query: query) {
                providers.append((prefix, .composite(offset)))
            }
        }
        providers += automaticProviders(for: shape, query: query)

        // One provider holding every needed field is the plain case; otherwise try a merge.
        if let single = providers.first(where: { $0.prefix == needed }) ?? providers.first(where: { needed.isSubset(of: $0.prefix) }) {
            return QueryCoverage(query: query, verdict: .served(by: [single.source]), warnings: shape.warnings)
        }
        var covered = Set<String>()
        var used: [QueryCoverage.Source] = []
        for provider in providers where !provider.prefix.isEmpty && !provider.prefix.isSubset(of: covered) {
            covered.formUnion(provider.prefix)
            used.append(provider.source)
        }
        if !needed.isEmpty, needed.isSubset(of: covered) {
            return QueryCoverage(query: query, verdict: .served(by: used), warnings: shape.warnings)
        }
        let suggestion = shape.suggestedIndex(for: query)
        return QueryCoverage(
            query: query,
            verdict: .missingIndex(suggested: suggestion, closest: closest(to: suggestion)),
            warnings: shape.warnings)
    }

    /// The equality/array fields this composite index supplies to the query, or nil when the index
    /// cannot serve it at all (wrong group, wrong ending, wrong `__name__` direction).
    func prefix(of index: CompositeIndex, serving shape: QueryShape, query: CriticalQuery) -> Set<String>? {
        guard index.collectionGroup == query.collection, index.queryScope == query.queryScope,
              (index.apiScope ?? "ANY_API") == "ANY_API" else { return nil }
        var fields = index.canonicalFields
        var nameDirection = index.implicitNameDirection
        if let last = fields.last, last.fieldPath == IndexFieldPath.documentID, let direction = last.mode.direction {
            nameDirection = direction
            fields.removeLast()
        }
        guard nameDirection == shape.nameDirection, fields.count >= shape.ordering.count else { return nil }
        let tail = fields.suffix(shape.ordering.count)
        for (field, order) in zip(tail, shape.ordering) {
            guard field.fieldPath == order.field, field.mode.direction == order.direction else { return nil }
        }
        var prefix = Set<String>()
        for field in fields.dropLast(shape.ordering.count) {
            if field.fieldPath == shape.arrayField, field.mode == .arrayContains {
                prefix.insert(field.fieldPath)
            } else if shape.equalityFields.contains(field.fieldPath), field.mode.direction != nil {
                prefix.insert(field.fieldPath)
            } else {
                return nil  // a field the query does not fix: the index entries are not contiguous
            }
        }
        return prefix
    }

    /// Firestore's automatic single-field indexes that fit the query.
    func automaticProviders(for shape: QueryShape, query: CriticalQuery) -> [(prefix: Set<String>, source: QueryCoverage.Source)] {
        let group = query.collection
        let scope = query.queryScope
        var providers: [(Set<String>, QueryCoverage.Source)] = []
        switch (shape.ordering.count, shape.prefixFields.isEmpty) {
        case (0, true):
            // Only `__name__` ordering: every collection can be scanned by document name.
            providers.append(([], .automatic("document name order")))
        case (1, true):
            let order = shape.ordering[0]
            let mode: IndexFieldMode = order.direction == .ascending ? .ascending : .descending
            if order.direction == shape.nameDirection,
               automaticIndexExists(group: group, field: order.field, scope: scope, mode: mode) {
                providers.append(([], .automatic("single-field \(order.field) \(order.direction.short)")))
            }
        case (0, false):
            for field in shape.equalityFields {
                let mode: IndexFieldMode = shape.nameDirection == .ascending ? .ascending : .descending
                if automaticIndexExists(group: group, field: field, scope: scope, mode: mode) {
                    providers.append(([field], .automatic("single-field \(field) \(shape.nameDirection.short)")))
                }
            }
            if let field = shape.arrayField, shape.nameDirection == .ascending,
               automaticIndexExists(group: group, field: field, scope: scope, mode: .arrayContains) {
                providers.append(([field], .automatic("single-field \(field) CONTAINS")))
            }
        default:
            break
        }
        return providers
    }

    /// Whether Firestore keeps this single-field index, given the file's field overrides: the
    /// override of the field itself, else of its nearest map ancestor, else the group's `*`
    /// override, else the default (collection scope only, every mode).
    public func automaticIndexExists(group: String, field: String, scope: QueryScope, mode: IndexFieldMode) -> Bool {
        let overrides = indexFile.fieldOverrides.filter { $0.collectionGroup == group }
        let specific = overrides
            .filter { $0.fieldPath != "*" && IndexFieldPath.isSelfOrAncestor($0.fieldPath, of: field) }
            .max { $0.fieldPath.count < $1.fieldPath.count }
        guard let override = specific ?? overrides.first(where: { $0.fieldPath == "*" }) else {
            return scope == .collection
        }
        return override.indexes.contains { $0.queryScope == scope && $0.mode == mode }
    }

    /// The file's index closest to the one needed (same group and fields), described by how it
    /// differs, so a swapped direction or a renamed field reads as such.
    func closest(to suggestion: CompositeIndex) -> String? {
        let wanted = suggestion.fields.filter { $0.fieldPath != IndexFieldPath.documentID }
        var best: (score: Int, text: String)?
        for (offset, index) in indexFile.indexes.enumerated() where index.collectionGroup == suggestion.collectionGroup {
            let fields = index.canonicalFields
            var differences: [String] = []
            if index.queryScope != suggestion.queryScope { differences.append("its queryScope is \(index.queryScope.rawValue)") }
            for field in wanted {
                guard let match = fields.first(where: { $0.fieldPath == field.fieldPath }) else {
                    differences.append("it lacks \(field.fieldPath)")
                    continue
                }
                if match.mode != field.mode { differences.append("\(field.fieldPath) is \(match.mode.label), the query needs \(field.mode.label)") }
            }
            for field in fields where !wanted.contains(where: { $0.fieldPath == field.fieldPath }) {
                differences.append("it has \(field.fieldPath), which the query does not use")
            }
            if differences.isEmpty { differences.append("its fields are in an order the query cannot use") }
            let text = "index #\(offset + 1) (\(index.summary)) differs: " + differences.joined(separator: "; ")
            if best == nil || differences.count < best!.score { best = (differences.count, text) }
        }
        return best?.text
    }
}
