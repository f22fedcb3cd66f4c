/// What a restore did, or with `dryRun` what it would do.
public struct RestoreReport: Codable, Sendable, Equatable {
    public var backupID: String
    /// `projects/…/databases/…` the backup was taken from.
    public var source: String
    /// `projects/…/databases/…` written to.
    public var target: String
    public var dryRun: Bool
    public var overwrite: Bool
    /// Documents absent from the target: created.
    public var created = 0
    /// Documents present with different fields: replaced (only with `overwrite`).
    public var overwritten = 0
    /// Documents present with exactly the backed-up fields: left alone.
    public var identical = 0
    /// Writes Firestore refused, e.g. a document that appeared or changed during the restore.
    public var failed = 0
    /// Up to a few document names per category, so a dry run shows what would change.
    public var createExamples: [String] = []
    public var overwriteExamples: [String] = []
    public var failures: [String] = []

    static let maxExamples = 20

    mutating func merge(_ other: RestoreReport) {
        created += other.created
        overwritten += other.overwritten
        identical += other.identical
        failed += other.failed
        createExamples = Array((createExamples + other.createExamples).prefix(Self.maxExamples))
        overwriteExamples = Array((overwriteExamples + other.overwriteExamples).prefix(Self.maxExamples))
        failures = Array((failures + other.failures).prefix(Self.maxExamples))
    }
}
