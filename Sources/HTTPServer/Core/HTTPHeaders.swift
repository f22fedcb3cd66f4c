/// Header fields in arrival order. Names compare case-insensitively (ASCII) and repeated fields
/// are kept as separate entries, because `Set-Cookie` cannot be folded and smuggling checks need
/// to see every `Content-Length` a client sent.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    public typealias Field = (name: String, value: String)

    @usableFromInline var fields: [Field]

    public init() { fields = [] }

    public init(_ fields: [(String, String)]) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// The first value of `name`, or nil. Setting replaces every field of that name (nil removes).
    public subscript(name: String) -> String? {
        get {
            for field in fields where HTTPHeaders.equalNames(field.name, name) { return field.value }
            return nil
        }
        set {
            if let newValue { replaceOrAdd(name: name, value: newValue) } else { remove(name: name) }
        }
    }

    /// Every value of `name`, in arrival order.
    public func values(for name: String) -> [String] {
        fields.filter { HTTPHeaders.equalNames($0.name, name) }.map(\.value)
    }

    public func contains(_ name: String) -> Bool {
        fields.contains { HTTPHeaders.equalNames($0.name, name) }
    }

    /// Appends a field, keeping any existing ones of the same name.
    public mutating func add(name: String, value: String) {
        fields.append((name: name, value: value))
    }

    /// Replaces the first field of `name` in place and drops the rest, or appends it.
    public mutating func replaceOrAdd(name: String, value: String) {
        if let index = fields.firstIndex(where: { HTTPHeaders.equalNames($0.name, name) }) {
            fields[index].value = value
            var i = fields.count - 1
            while i > index {
                if HTTPHeaders.equalNames(fields[i].name, name) { fields.remove(at: i) }
                i -= 1
            }
        } else {
            fields.append((name: name, value: value))
        }
    }

    public mutating func remove(name: String) {
        fields.removeAll { HTTPHeaders.equalNames($0.name, name) }
    }

    /// True when a comma-separated header (e.g. `Connection`, `Accept-Encoding`) lists `token`.
    public func containsToken(_ token: String, in name: String) -> Bool {
        for value in values(for: name) {
            for part in value.split(separator: ",") {
                let trimmed = part.trimmingASCIIWhitespace()
                if HTTPHeaders.equalNames(String(trimmed), token) { return true }
            }
        }
        return false
    }

    public var description: String {
        fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
    }

    /// ASCII case-insensitive comparison without allocating lowercased copies.
    @inlinable
    public static func equalNames(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { ua in
            b.withUTF8 { ub in
                guard ua.count == ub.count else { return false }
                for i in 0..<ua.count {
                    let x = ua[i], y = ub[i]
                    if x == y { continue }
                    let lx = (x >= 65 && x <= 90) ? x | 0x20 : x
                    let ly = (y >= 65 && y <= 90) ? y | 0x20 : y
                    if lx != ly { return false }
                }
                return true
            }
        }
    }
}

extension Substring {
    func trimmingASCIIWhitespace() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s
    }
}
