import Foundation

extension Value: Comparable, Hashable {
    /// Firestore's type order rank (0 null … 9 map); integers and doubles share rank 2. Queries
    /// with range filters only match values of the filter value's rank.
    public var typeRank: Int {
        switch self {
        case .null: 0
        case .boolean: 1
        case .integer, .double: 2
        case .timestamp: 3
        case .string: 4
        case .bytes: 5
        case .reference: 6
        case .geoPoint: 7
        case .array: 8
        case .map: 9
        }
    }

    public static func == (lhs: Value, rhs: Value) -> Bool { compare(lhs, rhs) == 0 }

    public static func < (lhs: Value, rhs: Value) -> Bool { compare(lhs, rhs) < 0 }

    /// Three-way comparison in Firestore's order: negative, zero or positive.
    public static func compare(_ lhs: Value, _ rhs: Value) -> Int {
        let (l, r) = (lhs.typeRank, rhs.typeRank)
        if l != r { return l < r ? -1 : 1 }
        switch (lhs, rhs) {
        case (.null, .null): return 0
        case (.boolean(let a), .boolean(let b)): return a == b ? 0 : (a ? 1 : -1)
        case (.integer(let a), .integer(let b)): return a == b ? 0 : (a < b ? -1 : 1)
        case (.double(let a), .double(let b)): return compareDoubles(a, b)
        case (.integer(let a), .double(let b)): return compareIntDouble(a, b)
        case (.double(let a), .integer(let b)): return -compareIntDouble(b, a)
        case (.timestamp(let a), .timestamp(let b)): return a == b ? 0 : (a < b ? -1 : 1)
        case (.string(let a), .string(let b)): return compareBytes(a.utf8, b.utf8)
        case (.bytes(let a), .bytes(let b)): return compareBytes(a, b)
        case (.reference(let a), .reference(let b)): return compareReferences(a, b)
        case (.geoPoint(let a1, let o1), .geoPoint(let a2, let o2)):
            let c = compareDoubles(a1, a2)
            return c != 0 ? c : compareDoubles(o1, o2)
        case (.array(let a), .array(let b)):
            for (x, y) in zip(a, b) {
                let c = compare(x, y)
                if c != 0 { return c }
            }
            return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
        case (.map(let a), .map(let b)): return compareMaps(a, b)
        default: return 0
        }
    }

    /// NaN sorts first and equals itself; -0.0 equals 0.0.
    static func compareDoubles(_ a: Double, _ b: Double) -> Int {
        if a.isNaN { return b.isNaN ? 0 : -1 }
        if b.isNaN { return 1 }
        return a == b ? 0 : (a < b ? -1 : 1)
    }

    /// Exact comparison of an Int64 with a Double (no rounding of large integers).
    static func compareIntDouble(_ i: Int64, _ d: Double) -> Int {
        if d.isNaN { return 1 }
        if d >= 9_223_372_036_854_775_808.0 { return -1 }
        if d < -9_223_372_036_854_775_808.0 { return 1 }
        let floor = d.rounded(.down)
        let whole = Int64(floor)
        if i != whole { return i < whole ? -1 : 1 }
        return floor == d ? 0 : -1
    }

    static func compareBytes<A: Sequence, B: Sequence>(_ a: A, _ b: B) -> Int where A.Element == UInt8, B.Element == UInt8 {
        var ia = a.makeIterator()
        var ib = b.makeIterator()
        while true {
            switch (ia.next(), ib.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case (let x?, let y?): if x != y { return x < y ? -1 : 1 }
            }
        }
    }

    /// References compare segment by segment, so `a/b` < `a/b/c/d` < `a/c`.
    static func compareReferences(_ a: String, _ b: String) -> Int {
        let sa = a.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        let sb = b.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        for (x, y) in zip(sa, sb) {
            let c = compareBytes(x, y)
            if c != 0 { return c }
        }
        return sa.count == sb.count ? 0 : (sa.count < sb.count ? -1 : 1)
    }

    /// Maps compare as their key-sorted (key, value) sequences.
    static func compareMaps(_ a: [String: Value], _ b: [String: Value]) -> Int {
        let ka = a.keys.sorted { compareBytes($0.utf8, $1.utf8) < 0 }
        let kb = b.keys.sorted { compareBytes($0.utf8, $1.utf8) < 0 }
        for (x, y) in zip(ka, kb) {
            let ck = compareBytes(x.utf8, y.utf8)
            if ck != 0 { return ck }
            let cv = compare(a[x]!, b[y]!)
            if cv != 0 { return cv }
        }
        return ka.count == kb.count ? 0 : (ka.count < kb.count ? -1 : 1)
    }

    /// Equal numbers hash alike: every NaN one way, -0.0 like 0.0, an integer like its double.
    static func numberHash(_ d: Double) -> UInt64 { d.isNaN ? 0x7FF8_0000_0000_0000 : (d == 0 ? 0 : d.bitPattern) }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(typeRank)
        switch self {
        case .null: break
        case .boolean(let b): hasher.combine(b)
        case .integer(let i): hasher.combine(Value.numberHash(Double(i)))
        case .double(let d): hasher.combine(Value.numberHash(d))
        case .timestamp(let t): hasher.combine(t)
        case .string(let s): for byte in s.utf8 { hasher.combine(byte) }
        case .bytes(let d): hasher.combine(d)
        case .reference(let r): for byte in r.utf8 { hasher.combine(byte) }
        case .geoPoint(let lat, let lon): hasher.combine(Value.numberHash(lat)); hasher.combine(Value.numberHash(lon))
        case .array(let a): hasher.combine(a.count); for v in a { hasher.combine(v) }
        case .map(let m):
            hasher.combine(m.count)
            var combined = 0
            for (k, v) in m {
                var h = Hasher()
                for byte in k.utf8 { h.combine(byte) }
                h.combine(v)
                combined ^= h.finalize()
            }
            hasher.combine(combined)
        }
    }
}
