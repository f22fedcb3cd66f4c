import Firestore
import Foundation

/// The measured work. Documents look like TradeYa trades (a dozen fields, nested map and arrays).
enum Workloads {
    static func tradeFields(_ i: Int) -> [String: Value] {
        [
            "title": .string("Trade number \(i)"), "status": .string(i % 3 == 0 ? "completed" : "active"),
            "creatorId": .string("user-\(i % 977)"), "participantId": .string("user-\((i * 7) % 977)"),
            "offeredSkills": .array([.string("React"), .string("TypeScript"), .string("skill-\(i % 50)")]),
            "requestedSkills": .array([.string("Node.js"), .string("Python")]),
            "participants": .map(["creator": .string("user-\(i % 977)"), "participant": .string("user-\((i * 7) % 977)")]),
            "createdAt": .timestamp(Timestamp(seconds: 1_700_000_000 + Int64(i), nanos: Int32(i % 1000) * 1000)),
            "rating": .double(Double(i % 500) / 100), "views": .integer(Int64(i) * 13), "n": .integer(Int64(i)),
        ]
    }

    static func write(
        client: FirestoreClient, collection: String, useBatchWrite: Bool, concurrency: Int, documents: Int, batch: Int
    ) async throws -> (documents: Int, seconds: Double) {
        let batches = stride(from: 0, to: documents, by: batch).map { start in start..<min(documents, start + batch) }
        let next = Counter()
        let started = Date()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    while let b = next.take(below: batches.count) {
                        let writes = batches[b].map { Write.set("\(collection)/d\($0)", tradeFields($0)) }
                        if useBatchWrite {
                            for outcome in try await client.batchWrite(writes) { _ = try outcome.get() }
                        } else {
                            _ = try await client.commit(writes)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        return (documents, Date().timeIntervalSince(started))
    }

    static func read(client: FirestoreClient, collection: String, pageSize: Int) async throws -> (documents: Int, seconds: Double) {
        let started = Date()
        var count = 0
        for try await page in client.pages(StructuredQuery(collection: collection), pageSize: pageSize) { count += page.count }
        return (count, Date().timeIntervalSince(started))
    }

    static func stream(client: FirestoreClient, collection: String, pageSize: Int, every: Int) async throws -> [(documents: Int, rssMiB: Double)] {
        var samples = [(0, residentMiB())]
        var count = 0
        var checksum = 0
        for try await page in client.pages(StructuredQuery(collection: collection), pageSize: pageSize) {
            for document in page { checksum &+= document.fields.count }
            let before = count
            count += page.count
            if count / every != before / every { samples.append((count, residentMiB())) }
        }
        if samples.last?.0 != count { samples.append((count, residentMiB())) }
        precondition(checksum > 0 || count == 0)
        return samples
    }

    /// Decoding only: a runQuery answer of `documents` trades, parsed and turned into `Document`s.
    static func decode(documents: Int) throws -> (documents: Int, bytes: Int, seconds: Double, foundationSeconds: Double) {
        let elements: [JSON] = (0..<documents).map { i in
            var document = Document(name: "projects/p/databases/(default)/documents/trades/d\(i)", fields: tradeFields(i))
            document.createTime = Timestamp(seconds: 1_700_000_000, nanos: 123_456_000)
            document.updateTime = document.createTime
            return .object(["document": document.json, "readTime": .string("2026-01-01T00:00:00.123456Z")])
        }
        let data = JSON.array(elements).serialized()
        // CPU time of this thread: the machine may be busy, and decoding is single-threaded.
        var started = cpuSeconds()
        var decoded = 0
        let tree = try JSON.parse(data)
        parseSeconds = cpuSeconds() - started
        if case .array(let parsed) = tree {
            for element in parsed { if let d = element["document"] { _ = try Document(json: d); decoded += 1 } }
        }
        let seconds = cpuSeconds() - started
        started = cpuSeconds()
        _ = try JSONSerialization.jsonObject(with: data)
        let foundationSeconds = cpuSeconds() - started
        precondition(decoded == documents)
        return (decoded, data.count, seconds, foundationSeconds)
    }

    nonisolated(unsafe) static var parseSeconds = 0.0

    static func cpuSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    static func residentMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kib = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return -1 }
        return kib / 1024
    }
}

/// Hands out batch numbers to concurrent workers.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func take(below limit: Int) -> Int? {
        lock.withLock {
            guard value < limit else { return nil }
            defer { value += 1 }
            return value
        }
    }
}
