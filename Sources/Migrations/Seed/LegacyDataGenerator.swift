import Firestore

/// One generated document: where it goes, its fields, and the shape it was made in.
public struct SeedDocument: Sendable {
    public var collection: SeedCollection
    public var id: String
    public var fields: [String: Value]
    public var kind: SeedKind

    /// The path relative to the database's documents, e.g. `trades/Ab3…`.
    public var path: String { "\(collection.rawValue)/\(id)" }
}

/// Legacy TradeYa data for the emulator: v0, v1, half-migrated and v2 shapes of trades,
/// conversations and notifications, with every anomaly of SCHEMA.md at a known rate.
///
/// Document `i` of a collection depends only on (seed, collection, i), so the data is the same on
/// every run and machine for a seed, and ``documents(_:count:)`` is a lazy sequence: writing
/// 100,000 documents never holds more than the batch being written.
public struct LegacyDataGenerator: Sendable {
    public var seed: UInt64
    /// One document in `anomalyEvery` is an anomaly (the last of each run of that many), cycling
    /// through the collection's anomaly kinds; 0 disables anomalies.
    public var anomalyEvery: Int

    public init(seed: UInt64, anomalyEvery: Int = 50) {
        self.seed = seed
        self.anomalyEvery = anomalyEvery
    }

    /// The kind of document `index` of `collection`: exact, not sampled, so counts are known.
    public func kind(of collection: SeedCollection, at index: Int) -> SeedKind {
        if anomalyEvery > 0, index % anomalyEvery == anomalyEvery - 1 {
            let kinds = SeedKind.anomalies(for: collection)
            return kinds[(index / anomalyEvery) % kinds.count]
        }
        var random = SeedRandom(seed: seed, stream: collection.stream &+ 100, index: UInt64(index))
        let roll = random.below(100)
        return roll < 40 ? .legacy : roll < 80 ? .current : roll < 88 ? .halfMigrated : .v2
    }

    /// Document `index` of `collection`.
    public func document(_ collection: SeedCollection, at index: Int) -> SeedDocument {
        var random = SeedRandom(seed: seed, stream: collection.stream, index: UInt64(index))
        let kind = kind(of: collection, at: index)
        let id = random.autoID()
        var shapes = SeedShapes(random: random)
        let fields: [String: Value] = switch collection {
        case .trades: shapes.trade(kind)
        case .conversations: shapes.conversation(kind)
        case .notifications: shapes.notification(kind)
        }
        return SeedDocument(collection: collection, id: id, fields: fields, kind: kind)
    }

    /// Documents `0..<count` of `collection`, generated as they are iterated.
    public func documents(_ collection: SeedCollection, count: Int) -> LazyMapSequence<Range<Int>, SeedDocument> {
        (0..<max(0, count)).lazy.map { document(collection, at: $0) }
    }

    /// How many documents of each kind `documents(collection, count:)` yields.
    public func census(_ collection: SeedCollection, count: Int) -> [SeedKind: Int] {
        var counts: [SeedKind: Int] = [:]
        for index in 0..<max(0, count) { counts[kind(of: collection, at: index), default: 0] += 1 }
        return counts
    }
}
