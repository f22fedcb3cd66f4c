import Foundation
@testable import Firestore
import FirestoreTesting
import Testing

@Suite(.enabled(if: FirestoreEmulator.isAvailable, "no Cloud Firestore emulator installed"))
struct ClientWriteTests {
    func code(_ error: any Error) -> FirestoreError.Code? { (error as? FirestoreError)?.code }

    @Test func staleUpdateTimeFailsWithFailedPrecondition() async throws {
        let client = try await FirestoreEmulator.shared().newClient("precondition")
        _ = try await client.commit([.set("t/1", ["title": "a", "keep": 1])])
        let read = try #require(try await client.get("t/1"))
        let readTime = try #require(read.updateTime)
        // The application writes in between.
        _ = try await client.commit([.update("t/1", ["title": "app"])])
        await #expect {
            _ = try await client.commit([.update("t/1", ["title": "migrated"], precondition: .updateTime(readTime))])
        } throws: { code($0) == .failedPrecondition }
        #expect(try await client.get("t/1")?.fields["title"] == "app")
        // With the fresh updateTime the write goes through.
        let fresh = try #require(try await client.get("t/1")?.updateTime)
        let result = try await client.commit([.update("t/1", ["title": "migrated"], precondition: .updateTime(fresh))])
        #expect(result.writeResults.first?.updateTime.map { $0 > fresh } == true)
    }

    @Test func updateMaskTouchesOnlyNamedPathsAndDeletesAbsentOnes() async throws {
        let client = try await FirestoreEmulator.shared().newClient("mask")
        _ = try await client.commit([.set("d/1", ["a": 1, "b": 2, "m": ["x": 1, "y": 2], "odd.key": 3])])
        _ = try await client.commit([
            .update("d/1", [FieldPath(["m", "x"]): .integer(10), "b": nil, FieldPath(["odd.key"]): .string("q"), "new": .boolean(true)])
        ])
        let document = try #require(try await client.get("d/1"))
        #expect(document.fields["a"] == 1)
        #expect(document.fields["b"] == nil)
        #expect(document.fields["m"] == ["x": 10, "y": 2])
        #expect(document.fields["odd.key"] == "q")
        #expect(document.fields["new"] == true)
        // An update of a missing document fails (exists precondition by default); create refuses to overwrite.
        await #expect { _ = try await client.commit([.update("d/none", ["a": 1])]) } throws: { code($0) == .notFound }
        await #expect { _ = try await client.commit([.create("d/1", ["a": 1])]) } throws: { code($0) == .alreadyExists }
    }

    @Test func serverTimestampAndOtherTransforms() async throws {
        let client = try await FirestoreEmulator.shared().newClient("transforms")
        let before = try await client.commit([.set("x/1", ["n": 1, "tags": ["a"]])]).commitTime!
        let result = try await client.commit([
            .update("x/1", ["schemaVersion": .integer(2)], transforms: [
                .serverTimestamp("migratedAt"), FieldTransform("n", .increment(.integer(4))),
                FieldTransform("tags", .appendMissingElements(["a", "b"])), FieldTransform("max", .maximum(.double(2.5))),
            ])
        ])
        let stamp = try #require(result.writeResults.first?.transformResults.first?.timestampValue)
        #expect(stamp >= before)
        let document = try #require(try await client.get("x/1"))
        #expect(document.fields["migratedAt"] == .timestamp(stamp))
        #expect(document.fields["n"] == 5 && document.fields["tags"] == ["a", "b"] && document.fields["max"] == 2.5)
        #expect(document.fields["schemaVersion"] == 2)
    }

    @Test func commitIsAtomic() async throws {
        let client = try await FirestoreEmulator.shared().newClient("atomic")
        await #expect {
            _ = try await client.commit([.set("a/1", ["v": 1]), .update("a/missing", ["v": 2])])
        } throws: { code($0) == .notFound }
        #expect(try await client.get("a/1") == nil)
    }

    @Test func batchWriteReportsEachWriteOnItsOwn() async throws {
        let client = try await FirestoreEmulator.shared().newClient("batchwrite")
        _ = try await client.commit([.set("b/exists", ["v": 0]), .set("b/other", ["v": 0])])
        let stale = Timestamp(seconds: 1_000)
        let outcomes = try await client.batchWrite([
            .set("b/1", ["v": 1]),
            .update("b/missing", ["v": 2]),
            .create("b/exists", ["v": 3]),
            .update("b/other", ["v": 4], precondition: .updateTime(stale)),
            .delete("b/gone"),
        ])
        #expect(outcomes.count == 5)
        #expect((try? outcomes[0].get().updateTime) != nil)
        #expect(outcomes[1].failureCode == .notFound)
        #expect(outcomes[2].failureCode == .alreadyExists)
        #expect(outcomes[3].failureCode == .failedPrecondition)
        #expect((try? outcomes[4].get()) != nil)
        #expect(try await client.get("b/1")?.fields["v"] == 1)
        #expect(try await client.get("b/exists")?.fields["v"] == 0)
        #expect(try await client.get("b/other")?.fields["v"] == 0)
    }

    @Test func requestGroupsFitTheBudgetAndKeepOrder() {
        #expect(FirestoreClient.requestGroups(sizes: [10, 10, 10], budget: 100) == [0..<3])
        // Envelope 13 bytes + (size + 1) per write: two writes of 40 fit in 100, three do not.
        #expect(FirestoreClient.requestGroups(sizes: [40, 40, 40, 40, 40], budget: 100) == [0..<2, 2..<4, 4..<5])
        // A write larger than the budget goes alone.
        #expect(FirestoreClient.requestGroups(sizes: [10, 500, 10], budget: 100) == [0..<1, 1..<2, 2..<3])
    }

    /// A batchWrite larger than one request body is split, sent concurrently and answered in order,
    /// failures included.
    @Test func largeBatchWriteIsSplitAndAnsweredInOrder() async throws {
        let client = try await FirestoreEmulator.shared().newClient("bigbatch")
        let padding = String(repeating: "x", count: 900)
        var writes: [Write] = (0..<300).map { .set(String(format: "big/d%03d", $0), ["n": .integer(Int64($0)), "pad": .string(padding)]) }
        writes[150] = .update("big/missing", ["n": 150])
        let sizes = writes.map { $0.json(root: "projects/p/databases/(default)/documents").text.utf8.count }
        #expect(sizes.reduce(0, +) > 4 * FirestoreClient.batchWriteBodyBudget, "the batch does not need splitting")
        let outcomes = try await client.batchWrite(writes)
        #expect(outcomes.count == 300)
        for (index, outcome) in outcomes.enumerated() where index != 150 {
            #expect((try? outcome.get().updateTime) != nil, "write \(index)")
        }
        #expect(outcomes[150].failureCode == .notFound)
        let page = try await client.runQuery(StructuredQuery(collection: "big")).documents
        #expect(page.count == 299)
        #expect(page.allSatisfy { $0.fields["pad"] == .string(padding) })
    }

    @Test func transactionsUnderContentionLoseNoIncrement() async throws {
        let client = try await FirestoreEmulator.shared().newClient("contention")
        _ = try await client.commit([.set("counter/c", ["n": 0])])
        let workers = 4
        let perWorker = 3
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<workers {
                group.addTask {
                    for _ in 0..<perWorker {
                        try await client.runTransaction(maxAttempts: 30) { transaction in
                            let current = try await transaction.get("counter/c")?.fields["n"]?.integerValue ?? 0
                            transaction.update("counter/c", ["n": .integer(current + 1)])
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await client.get("counter/c")?.fields["n"] == .integer(Int64(workers * perWorker)))
    }

    @Test func failingTransactionBodyRollsBackAndWritesNothing() async throws {
        struct Refused: Error {}
        let client = try await FirestoreEmulator.shared().newClient("rollback")
        _ = try await client.commit([.set("r/1", ["v": 1])])
        await #expect(throws: Refused.self) {
            try await client.runTransaction { transaction in
                _ = try await transaction.get("r/1")
                transaction.set("r/1", ["v": 2])
                throw Refused()
            }
        }
        #expect(try await client.get("r/1")?.fields["v"] == 1)
        // The lock was released: a plain write goes through at once.
        _ = try await client.commit([.set("r/1", ["v": 3])])
    }
}

extension Result where Failure == FirestoreError {
    var failureCode: FirestoreError.Code? {
        if case .failure(let error) = self { return error.code }
        return nil
    }
}
