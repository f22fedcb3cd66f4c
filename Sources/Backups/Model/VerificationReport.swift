import Foundation

/// The evidence `backup verify` leaves beside the manifest (`verification.json`) and returns.
///
/// The runbook's "backup verified" gate reads this value: which backup, when, by whom, against what
/// the counts were compared, and every finding with its file and line.
public struct VerificationReport: Codable, Sendable, Equatable {
    public enum Outcome: String, Codable, Sendable { case passed, failed }

    /// What the document counts were compared with.
    public enum CountSource: String, Codable, Sendable {
        /// A count aggregation at the backup's readTime: the snapshot itself.
        case readTime
        /// The readTime is outside the point-in-time window: compared with today's counts, so a
        /// difference may be normal traffic and is reported as a note, not a failure.
        case live
        /// Firestore could not be asked (unreachable); only the files were checked.
        case unavailable
    }

    public struct CollectionResult: Codable, Sendable, Equatable {
        public var collection: String
        public var file: String
        public var manifestCount: Int
        public var lineCount: Int
        public var firestoreCount: Int?
        public var manifestSHA256: String
        public var actualSHA256: String
        public var manifestByteSize: Int64
        public var actualByteSize: Int64
    }

    /// One problem: what and where.
    public struct Finding: Codable, Sendable, Equatable, CustomStringConvertible {
        public var file: String?
        public var line: Int?
        public var message: String

        public init(file: String?, line: Int? = nil, message: String) {
            self.file = file
            self.line = line
            self.message = message
        }

        public var description: String {
            switch (file, line) {
            case (let file?, let line?): "\(file) line \(line): \(message)"
            case (let file?, nil): "\(file): \(message)"
            default: message
            }
        }
    }

    public var backupID: String
    public var environment: String
    public var project: String
    public var readTime: String
    public var verifiedAt: String
    public var verifiedBy: String
    public var toolVersion: String
    public var outcome: Outcome
    public var countSource: CountSource
    /// Why that count source was used (the window, the database's retention, an error).
    public var countSourceNote: String
    public var collections: [CollectionResult]
    /// Failures: each makes the outcome `failed`.
    public var findings: [Finding]
    /// Observations that don't fail the backup (live-count drift outside the window).
    public var notes: [String]

    public var passed: Bool { outcome == .passed }
}
