/// Progress of an index operation, as it happens.
///
/// Operations report through an `IndexEventSink`; the command line prints each event to stderr
/// and the console will forward them to browsers. Every event names its environment, because one
/// deploy can walk staging then production.
public enum IndexEvent: Sendable, Equatable, CustomStringConvertible {
    public enum Step: String, Sendable, Equatable {
        case check, diff, deploy, wait, verify
    }

    case stepStarted(environment: String, step: Step)
    /// The step does not exist for this environment (an emulator has no index API).
    case notApplicable(environment: String, step: Step, reason: String)
    /// A build was started for this index.
    case creating(environment: String, index: String)
    /// The index is already deployed (found in the listing, or the API answered 409).
    case alreadyExists(environment: String, index: String)
    /// A deployed index not in the file, kept because `--prune` was not given.
    case leftAlone(environment: String, index: String)
    case deleted(environment: String, index: String)
    /// A build's state and, when the service estimates it, its progress in documents.
    case progress(environment: String, index: String, state: DeployedIndex.State, percent: Int?)
    /// A field update was started for this field override; `changes` says what differed.
    case patching(environment: String, field: String, changes: [String])
    /// An overridden field not in the file was reset to its inherited indexes (`--prune`).
    case reset(environment: String, field: String)
    /// A field override is being applied: its update runs or a single-field index is CREATING.
    case applying(environment: String, field: String, percent: Int?)
    /// An index is READY, or a field override is applied.
    case ready(environment: String, index: String)
    case failed(environment: String, index: String, reason: String)
    case stepFinished(environment: String, step: Step, succeeded: Bool, summary: String)

    public var environment: String {
        switch self {
        case .stepStarted(let environment, _), .notApplicable(let environment, _, _), .creating(let environment, _),
             .alreadyExists(let environment, _), .leftAlone(let environment, _), .deleted(let environment, _),
             .progress(let environment, _, _, _), .ready(let environment, _), .failed(let environment, _, _),
             .patching(let environment, _, _), .reset(let environment, _), .applying(let environment, _, _),
             .stepFinished(let environment, _, _, _):
            environment
        }
    }

    public var description: String {
        switch self {
        case .stepStarted(let environment, let step): "[\(environment)] \(step.rawValue): started"
        case .notApplicable(let environment, let step, let reason): "[\(environment)] \(step.rawValue): does not apply: \(reason)"
        case .creating(let environment, let index): "[\(environment)] creating \(index)"
        case .alreadyExists(let environment, let index): "[\(environment)] already deployed: \(index)"
        case .leftAlone(let environment, let index): "[\(environment)] not in the file, left alone (use --prune to delete): \(index)"
        case .deleted(let environment, let index): "[\(environment)] deleted \(index)"
        case .progress(let environment, let index, let state, let percent):
            "[\(environment)] \(state.rawValue)\(percent.map { " \($0)%" } ?? ""): \(index)"
        case .patching(let environment, let field, let changes):
            "[\(environment)] updating \(field)" + (changes.isEmpty ? "" : ": " + changes.joined(separator: "; "))
        case .reset(let environment, let field): "[\(environment)] reset to inherited indexes: \(field)"
        case .applying(let environment, let field, let percent): "[\(environment)] APPLYING\(percent.map { " \($0)%" } ?? ""): \(field)"
        case .ready(let environment, let index): "[\(environment)] READY: \(index)"
        case .failed(let environment, let index, let reason): "[\(environment)] FAILED: \(index): \(reason)"
        case .stepFinished(let environment, let step, let succeeded, let summary):
            "[\(environment)] \(step.rawValue): \(succeeded ? "ok" : "failed"): \(summary)"
        }
    }
}

/// Where an operation sends its events: an `AsyncStream` continuation, or nowhere.
public struct IndexEventSink: Sendable {
    private let handler: @Sendable (IndexEvent) -> Void

    public init(_ handler: @escaping @Sendable (IndexEvent) -> Void) {
        self.handler = handler
    }

    /// Drops every event.
    public static let none = IndexEventSink { _ in }

    public func emit(_ event: IndexEvent) { handler(event) }

    /// A stream to consume and the sink feeding it; call `finish()` on the continuation when done.
    ///
    /// ```swift
    /// let (events, sink, continuation) = IndexEventSink.makeStream()
    /// Task { for await event in events { print(event) } }
    /// let report = try await IndexPipeline(environment: "staging", admin: admin, events: sink).deploy(file)
    /// continuation.finish()
    /// ```
    public static func makeStream(
        bufferingNewest limit: Int = 1000
    ) -> (AsyncStream<IndexEvent>, IndexEventSink, AsyncStream<IndexEvent>.Continuation) {
        let (stream, continuation) = AsyncStream<IndexEvent>.makeStream(bufferingPolicy: .bufferingNewest(limit))
        return (stream, IndexEventSink { continuation.yield($0) }, continuation)
    }
}
