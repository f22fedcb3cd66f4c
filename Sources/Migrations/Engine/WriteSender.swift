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
        let limit = options.requestsInFlight
        // All state lives inside the group's body and is returned from it (no captured variables
        // mutated in the body: the release build of Swift 6.3 trapped on that shape).
        let state = await withTaskGroup(of: Response.self, returning: SendState.self) { group in
            var state = SendState(count: writes.count)
            for chunk in chunks {
                if state.inFlight >= limit, let response = await group.next() {
                    state.receive(response, onResponse)
                }
                if state.failure != nil { break }
                do {
                    try await control.admit(chunk.count)
                } catch is MigrationAborted {
                    state.aborted = true
                    break
                } catch {
                    state.failure = error
                    break
                }
                let batch = Array(chunk), range = chunk.startIndex..<chunk.endIndex
                group.addTask { [client] in
                    do { return Response(range: range, outcome: .success(try await client.batchWrite(batch))) } catch {
                        return Response(range: range, outcome: .failure(error))
                    }
                }
                state.inFlight += 1
            }
            while state.inFlight > 0, let response = await group.next() {
                state.receive(response, onResponse)
            }
            return state
        }
        if let failure = state.failure { throw failure }
        return Sent(results: state.results, aborted: state.aborted)
    }

    private struct Response: Sendable {
        var range: Range<Int>
        var outcome: Result<[WriteOutcome], any Error>
    }

    private struct SendState {
        var results: [WriteOutcome?]
        var inFlight = 0
        var aborted = false
        var failure: (any Error)?

        init(count: Int) { results = Array(repeating: nil, count: count) }

        mutating func receive(_ response: Response, _ onResponse: (Range<Int>, [WriteOutcome]) throws -> Void) {
            inFlight -= 1
            do {
                let outcomes = try response.outcome.get()
                for (offset, outcome) in outcomes.enumerated() where offset < response.range.count {
                    results[response.range.lowerBound + offset] = outcome
                }
                try onResponse(response.range, outcomes)
            } catch {
                if failure == nil { failure = error }
            }
        }
    }
}
