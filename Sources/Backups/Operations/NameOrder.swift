/// Firestore's order of document paths, for merging a backup file with a live listing.
///
/// Segment by segment; within a segment, numeric IDs (`__id<n>__`) come first by value, then every
/// other ID by its UTF-8 bytes. The merge checks both sides are ascending under this order and
/// falls back to a slower exact method when one is not, so a disagreement here costs time, never
/// a wrong answer.
enum NameOrder {
    /// Negative, zero or positive as `a` sorts before, with or after `b` (paths below `documents/`).
    static func compare(_ a: String, _ b: String) -> Int {
        var left = a.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).makeIterator()
        var right = b.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case (let x?, let y?):
                let c = compareSegments(x, y)
                if c != 0 { return c }
            }
        }
    }

    static func compareSegments(_ x: Substring.UTF8View, _ y: Substring.UTF8View) -> Int {
        switch (numericID(x), numericID(y)) {
        case (let m?, let n?): return m < n ? -1 : (m == n ? 0 : 1)
        case (.some, nil): return -1
        case (nil, .some): return 1
        case (nil, nil):
            var i = x.makeIterator(), j = y.makeIterator()
            while true {
                switch (i.next(), j.next()) {
                case (nil, nil): return 0
                case (nil, _): return -1
                case (_, nil): return 1
                case (let p?, let q?): if p != q { return p < q ? -1 : 1 }
                }
            }
        }
    }

    /// The value of an `__id<n>__` segment, else nil.
    static func numericID(_ segment: Substring.UTF8View) -> Int64? {
        guard segment.count > 6, segment.starts(with: "__id".utf8), segment.reversed().starts(with: "__".utf8) else { return nil }
        let digits = segment.dropFirst(4).dropLast(2)
        return Int64(String(decoding: digits, as: UTF8.self))
    }
}
