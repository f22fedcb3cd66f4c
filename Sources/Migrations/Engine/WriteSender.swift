import Firestore

/// Sends a page's writes as batchWrite requests, several in flight, each admitted by the rate
/// limiter, and hands every response over as soon as it arrives so the caller can journal it: a
/// crash then leaves at most the requests in flight without a recorded acknowledgement.
///
/// An abort stops admitting requests but never abandons one already sent: those in flight are
/// awaited and reported, and the writes never sent are reported as such, so the journal says
/// exactly what reached Firestore.
struct WriteSender {
    let client: FirestoreClient
    let options: EngineOptions
    let control: RunControl

    typealias WriteOutcome = Result<WriteResult, FirestoreError>

    struct Sent {
        /// One per write, in order; nil for a write that was never sent because the run was aborted.
        var results: [WriteOutcome?]
        var aborted: Bool
    }

    /// `onResponse` receives, for each request as it completes, the indexes of its writes and
    /// their results. A request that fails as a whole (the database unreachable after retries)
    /// stops admission; the others in flight are still awaited and reported before it is thrown.
    func send(_ writes: [Write], onResponse: (Range<Int>, [WriteOutcome]) throws -> Void = { _, _ in }) async throws -> Sent {
        let chunks = writes.chunked(options.writesPerRequest)
        var sent = Sent(results: Array(repeating: nil, count: writes.count), aborted: false)
        var failure: (any Error)?
        await withTaskGroup(of: (Range<Int>, Result<[WriteOutcome], any Error>).self) { group in
            var inFlight = 0
            func collect() async {
                guard let (range, outcome) = await group.next() else { return }
                inFlight -= 1
                do {
                    let results = try outcome.get()
                    for (offset, result) in results.enumerated() { sent.results[range.lowerBound + offset] = result }
                    try onResponse(range, results)
                } catch {
                    if failure == nil { failure = error }
                }
            }
            for chunk in chunks {
                if inFlight >= options.requestsInFlight { await collect() }
                if failure != nil { break }
                do {
                    try await control.admit(chunk.count)
                } catch is MigrationAborted {
                    sent.aborted = true
                    break
                } catch {
                    failure = error
                    break
                }
                let batch = Array(chunk), range = chunk.startIndex..<chunk.endIndex
                group.addTask { [client] in
                    do { return (range, .success(try await client.batchWrite(batch))) } catch { return (range, .failure(error)) }
                }
                inFlight += 1
            }
            while inFlight > 0 { await collect() }
        }
        if let failure { throw failure }
        return sent
    }
}
