import Firestore

extension IndexPipeline {
    /// Polls until every index of the file is READY and every field override applied, reporting
    /// each one's state and progress.
    ///
    /// Fails as soon as one index NEEDS_REPAIR or is not deployed at all, or one field override is
    /// not (or differently) applied with no update running for it (a failed update reverts), and
    /// at the timeout (one hour by default, as the brief's wait-for-indexes script).
    public func waitUntilReady(_ file: IndexFile, timeout: Duration = .seconds(3600)) async throws(FirestoreError) -> IndexVerification {
        events.emit(.stepStarted(environment: environment, step: .wait))
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var lastSeen: [String: String] = [:]
        while true {
            let diff = try await diff(file)
            let progress = try await buildProgress()
            for entry in diff.entries where entry.status != .extra {
                let summary = entry.index.summary
                let percent = entry.deployed.flatMap { progress[$0.name] }
                let key: String
                let event: IndexEvent
                switch entry.status {
                case .ready:
                    key = "ready"
                    event = .ready(environment: environment, index: summary)
                case .building:
                    key = "building \(percent ?? -1)"
                    event = .progress(environment: environment, index: summary, state: entry.deployed?.state ?? .creating, percent: percent)
                case .needsRepair:
                    key = "repair"
                    event = .failed(environment: environment, index: summary, reason: "NEEDS_REPAIR: the build failed; delete the index and deploy again")
                case .missing:
                    key = "missing"
                    event = .failed(environment: environment, index: summary, reason: "not deployed: run `runbook indexes deploy` first")
                case .extra:
                    continue
                }
                if lastSeen[summary] != key {
                    lastSeen[summary] = key
                    events.emit(event)
                }
            }
            for entry in diff.fieldOverrides.entries where entry.status != .extra {
                let (key, event) = overrideEvent(entry)
                if lastSeen[entry.summary] != key {
                    lastSeen[entry.summary] = key
                    events.emit(event)
                }
            }
            let verification = IndexVerification(environment: environment, database: admin.databaseName, diff: diff)
            let overrides = diff.fieldOverrides
            let failedNow = !diff.entries(.needsRepair).isEmpty || !diff.entries(.missing).isEmpty
                || !overrides.entries(.missing).isEmpty || !overrides.entries(.differs).isEmpty || !overrides.entries(.needsRepair).isEmpty
            if diff.allReady || failedNow {
                events.emit(.stepFinished(environment: environment, step: .wait, succeeded: diff.allReady, summary: verification.message))
                return verification
            }
            let remaining = clock.now.duration(to: deadline)
            if remaining <= .zero {
                var timedOut = verification
                timedOut.message = "timed out after \(timeout) with \(diff.counts)"
                events.emit(.stepFinished(environment: environment, step: .wait, succeeded: false, summary: timedOut.message))
                return timedOut
            }
            do {
                try await Task.sleep(for: min(pollInterval, remaining))
            } catch {
                throw FirestoreError(code: .cancelled, message: "waiting for indexes was cancelled", operation: "wait for indexes", target: admin.databaseName)
            }
        }
    }

    /// Checks once that every index of the file is READY: the evidence for the "indexes built" gate.
    public func verify(_ file: IndexFile) async throws(FirestoreError) -> IndexVerification {
        events.emit(.stepStarted(environment: environment, step: .verify))
        let verification = IndexVerification(environment: environment, database: admin.databaseName, diff: try await diff(file))
        events.emit(.stepFinished(environment: environment, step: .verify, succeeded: verification.status == .ready, summary: verification.message))
        return verification
    }

    /// The event for a field override's state, and a key that changes when the event would.
    private func overrideEvent(_ entry: FieldOverrideDiff.Entry) -> (String, IndexEvent) {
        let summary = entry.summary
        let failure = entry.note.map { "; \($0)" } ?? ""
        let notApplied = entry.note.map { "not applied, \($0): deploy again" } ?? "not applied: run `runbook indexes deploy` first"
        switch entry.status {
        case .applied, .extra:
            return ("applied", .ready(environment: environment, index: summary))
        case .applying:
            let percent = entry.operation?.percent
            return ("applying \(percent ?? -1)", .applying(environment: environment, field: summary, percent: percent))
        case .needsRepair:
            return ("repair", .failed(environment: environment, index: summary,
                                      reason: "a single-field index NEEDS_REPAIR: remove the override and deploy again"))
        case .missing:
            return ("missing", .failed(environment: environment, index: summary,
                                       reason: notApplied))
        case .differs:
            return ("differs", .failed(environment: environment, index: summary,
                                       reason: "differs from the file: \(entry.differences.joined(separator: "; "))\(failure)"))
        }
    }

    /// Percent done of each index build still running, by index name (the latest operation wins).
    private func buildProgress() async throws(FirestoreError) -> [String: Int] {
        var progress: [String: Int] = [:]
        for operation in try await admin.indexBuildOperations() where !operation.done {
            if let index = operation.indexName, let percent = operation.percent { progress[index] = percent }
        }
        return progress
    }
}
