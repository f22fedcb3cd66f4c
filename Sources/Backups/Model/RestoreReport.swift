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
    /// Writes Firestore refused, e.g. a document that appeared or changed during the restore, or an
    /// extra whose delete was refused because it was written meanwhile.
    public var failed = 0
    /// Live documents in the backup's collections that the backup does not hold (created after
    /// it): left in place, or with `deleteExtras` found and deleted.
    public var extras = 0
    public var extrasDeleted = 0
    /// Up to a few document names per category, so a dry run shows what would change.
    public var createExamples: [String] = []
    public var overwriteExamples: [String] = []
    public var failures: [String] = []
    /// A few extras by name: the ones left, or the ones deleted.
    public var extraExamples: [String] = []
    /// How the comparison was made when it could not stream (e.g. a file out of name order).
    public var notes: [String] = []

    static let maxExamples = 20

    mutating func merge(_ other: RestoreReport) {
        created += other.created
        overwritten += other.overwritten
        identical += other.identical
        failed += other.failed
        extras += other.extras
        extrasDeleted += other.extrasDeleted
        extraExamples = Array((extraExamples + other.extraExamples).prefix(Self.maxExamples))
        notes += other.notes
        createExamples = Array((createExamples + other.createExamples).prefix(Self.maxExamples))
        overwriteExamples = Array((overwriteExamples + other.overwriteExamples).prefix(Self.maxExamples))
        failures = Array((failures + other.failures).prefix(Self.maxExamples))
    }
}
