import Foundation

/// A failed Firestore or Admin API call.
///
/// It keeps the gRPC status name Google returns (`FAILED_PRECONDITION`, `ABORTED`, …) so callers can
/// decide to retry, re-read or give up, plus the operation and target, so a message in a log says
/// which call against which project went wrong.
public struct FirestoreError: Error, Sendable, CustomStringConvertible {
    /// gRPC canonical status names, as Firestore's REST API reports them in `error.status`.
    public enum Code: String, Sendable, CaseIterable {
        case cancelled = "CANCELLED"
        case unknown = "UNKNOWN"
        case invalidArgument = "INVALID_ARGUMENT"
        case deadlineExceeded = "DEADLINE_EXCEEDED"
        case notFound = "NOT_FOUND"
        case alreadyExists = "ALREADY_EXISTS"
        case permissionDenied = "PERMISSION_DENIED"
        case resourceExhausted = "RESOURCE_EXHAUSTED"
        case failedPrecondition = "FAILED_PRECONDITION"
        case aborted = "ABORTED"
        case outOfRange = "OUT_OF_RANGE"
        case unimplemented = "UNIMPLEMENTED"
        case `internal` = "INTERNAL"
        case unavailable = "UNAVAILABLE"
        case dataLoss = "DATA_LOSS"
        case unauthenticated = "UNAUTHENTICATED"

        /// Codes worth retrying with backoff: transient by Google's own client guidance.
        public var isRetryable: Bool {
            switch self {
            case .unavailable, .deadlineExceeded, .resourceExhausted, .aborted, .internal: true
            default: false
            }
        }
    }

    public var code: Code
    /// Firestore's own message, or ours when the failure happened before a response arrived.
    public var message: String
    /// What was being done, e.g. `commit` or `runQuery trades`.
    public var operation: String
    /// Where, e.g. `projects/tradeya-staging/databases/(default)` or an emulator host.
    public var target: String
    /// HTTP status when a response arrived.
    public var httpStatus: Int?

    public init(code: Code, message: String, operation: String, target: String, httpStatus: Int? = nil) {
        self.code = code
        self.message = message
        self.operation = operation
        self.target = target
        self.httpStatus = httpStatus
    }

    public var description: String {
        "\(operation) on \(target) failed: \(code.rawValue)\(httpStatus.map { " (HTTP \($0))" } ?? ""): \(message)"
    }
}
