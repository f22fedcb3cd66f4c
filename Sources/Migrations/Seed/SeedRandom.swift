/// SplitMix64 (Steele, Lea & Flood, 2014): a small, fast, seedable generator.
///
/// The seed data must be the same on every machine and every Swift release for a given `--seed`,
/// which `SystemRandomNumberGenerator` (and any unspecified standard algorithm) cannot promise.
/// Each document gets its own generator from (seed, collection, index), so any document can be
/// regenerated alone and generation never depends on what came before it.
public struct SeedRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A generator for one document, independent of every other document's.
    public init(seed: UInt64, stream: UInt64, index: UInt64) {
        var mixer = SeedRandom(seed: seed ^ (stream &* 0x9E37_79B9_7F4A_7C15))
        let a = mixer.next()
        state = a ^ (index &* 0xBF58_476D_1CE4_E5B9)
        _ = next()
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `0..<bound` (Lemire's multiply-shift, bias below 2^-32 for our small bounds).
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        return Int(((next() >> 32) &* UInt64(bound)) >> 32)
    }

    /// True with probability `percent`/100.
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// `count` distinct items in random order (count ≤ items.count).
    mutating func sample<T>(_ items: [T], _ count: Int) -> [T] {
        var pool = items
        var out: [T] = []
        for _ in 0..<min(count, pool.count) { out.append(pool.remove(at: below(pool.count))) }
        return out
    }

    /// A 20-character id like Firestore's auto ids.
    mutating func autoID() -> String {
        String((0..<20).map { _ in Self.idAlphabet[below(Self.idAlphabet.count)] })
    }

    private static let idAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
}
