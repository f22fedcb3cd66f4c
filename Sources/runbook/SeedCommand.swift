import ArgumentParser
import Firestore
import Foundation
import Migrations

/// `runbook seed --env E [--trades N] [--conversations N] [--notifications N] [--seed S]`.
///
/// Writes legacy TradeYa data (v0, v1, half-migrated and v2 shapes, every SCHEMA.md anomaly once
/// in `--anomaly-every` documents) so the runbook can be tried and tested on an emulator. The same
/// `--seed` writes the same documents, so seeding twice changes nothing. A protected environment
/// is refused (exit 3): seeding overwrites documents.
struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed", abstract: "Write reproducible legacy TradeYa data (for the emulator).")

    @OptionGroup var target: EnvironmentOptions

    @Option(help: "Trades to write.") var trades = 1000
    @Option(help: "Conversations to write.") var conversations = 300
    @Option(help: "Notifications to write.") var notifications = 500
    @Option(help: "Seed of the generator: the same seed writes the same documents.") var seed: UInt64 = 1
    @Option(help: "One document in this many is an anomaly (0: none).") var anomalyEvery = 50

    static let maximum = 10_000_000

    func validate() throws {
        for (name, value) in [("--trades", trades), ("--conversations", conversations), ("--notifications", notifications)] {
            guard (0...Self.maximum).contains(value) else {
                throw ValidationError("\(name) must be between 0 and \(Self.maximum), not \(value)")
            }
        }
        guard anomalyEvery >= 0 else { throw ValidationError("--anomaly-every must be 0 (no anomalies) or more, not \(anomalyEvery)") }
    }

    func run() async throws {
        let environment = try target.environment()
        guard !environment.isProtected else {
            FileHandle.standardError.write(Data(
                "error: refused: \(environment.name) is protected; seeding overwrites documents. Seed an unprotected environment (e.g. --env dev) or the emulator.\n".utf8))
            throw ExitCodes.refused
        }
        let connection = try target.connect()
        let seeder = LegacySeeder(
            generator: LegacyDataGenerator(seed: seed, anomalyEvery: anomalyEvery),
            concurrency: min(4, max(1, environment.rateLimits.maxConcurrency)))
        let counts: [SeedCollection: Int] = [.trades: trades, .conversations: conversations, .notifications: notifications]
        let line = ProgressLine()
        let started = Date()
        let summary: SeedSummary
        do {
            summary = try await seeder.seed(into: connection.firestore, counts: counts) { progress in
                line.show("seeding \(progress.collection.rawValue): \(progress.written)/\(progress.total)")
            }
        } catch {
            line.finish()
            FileHandle.standardError.write(Data(
                "error: seeding \(environment.name) failed: \(error)\nSeeding again with the same --seed rewrites the same documents.\n".utf8))
            throw ExitCodes.operationFailed
        }
        line.finish()
        let seconds = Date().timeIntervalSince(started)
        let report = SeedReport(environment: environment.name, seed: seed, summary: summary, seconds: seconds)
        if target.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            FileHandle.standardOutput.write((try encoder.encode(report)) + Data("\n".utf8))
        } else {
            print(report.lines.joined(separator: "\n"))
        }
    }
}

/// What `runbook seed` prints: documents per collection and shape, anomalies by code, speed.
struct SeedReport: Encodable {
    var environment: String
    var seed: UInt64
    var documents: Int
    var collections: [String: [String: Int]]
    var anomalies: [String: [String: Int]]
    var durationSeconds: Double
    var docsPerSecond: Double

    init(environment: String, seed: UInt64, summary: SeedSummary, seconds: Double) {
        self.environment = environment
        self.seed = seed
        documents = summary.total
        var collections: [String: [String: Int]] = [:]
        var anomalies: [String: [String: Int]] = [:]
        for (collection, kinds) in summary.counts {
            collections[collection.rawValue] = Dictionary(uniqueKeysWithValues: kinds.map { ($0.key.rawValue, $0.value) })
            anomalies[collection.rawValue] = summary.anomalies(in: collection)
        }
        self.collections = collections
        self.anomalies = anomalies
        durationSeconds = seconds
        docsPerSecond = seconds > 0 ? Double(summary.total) / seconds : 0
    }

    var lines: [String] {
        var lines = ["seeded \(documents) documents into \(environment) (seed \(seed)) in "
            + String(format: "%.1f s (%.0f docs/s)", durationSeconds, docsPerSecond)]
        for collection in SeedCollection.allCases.map(\.rawValue) {
            guard let kinds = collections[collection] else { continue }
            let shapes = kinds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            lines.append("  \(collection): \(shapes)")
        }
        return lines
    }
}
