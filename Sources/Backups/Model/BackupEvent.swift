/// Progress of a backup operation, for the console's live view and the command line's stderr.
///
/// Operations take an optional `AsyncStream<BackupEvent>.Continuation`; they yield to it and never
/// finish it, so one stream can carry several operations (create, then verify).
public enum BackupEvent: Sendable, Equatable {
    /// The snapshot time is fixed; every read uses it.
    case snapshotStarted(backupID: String, readTime: String, collections: [String])
    case collectionStarted(collection: String)
    /// Running totals for one collection: documents written and their JSON bytes (before gzip) so far.
    case documentsWritten(collection: String, documents: Int, bytes: Int64)
    case collectionFinished(collection: String, documents: Int, bytes: Int64, sha256: String)
    /// The backup directory was renamed into place: the backup is complete.
    case backupCompleted(backupID: String, documents: Int, bytes: Int64)
    case managedExportProgress(operation: String, state: String, documents: Int64?)
    case verifyFileChecked(collection: String, lines: Int, problems: Int)
    case verifyCompleted(backupID: String, passed: Bool)
    /// Restore: running totals of documents examined and what happened to them.
    case restoreProgress(collection: String, examined: Int, created: Int, overwritten: Int, identical: Int)
    case restoreCompleted(created: Int, overwritten: Int, identical: Int, dryRun: Bool)
    /// Restore: live documents of a collection the backup lacks, how many were deleted, and how
    /// many deletes were refused because the document changed during the restore.
    case extrasChecked(collection: String, extras: Int, deleted: Int, conflicts: Int)

    /// One human line for stderr.
    public var line: String {
        switch self {
        case .snapshotStarted(let id, let readTime, let collections):
            "backup \(id): reading \(collections.isEmpty ? "no collections" : collections.joined(separator: ", ")) at readTime \(readTime)"
        case .collectionStarted(let collection):
            "  \(collection): started"
        case .documentsWritten(let collection, let documents, let bytes):
            "  \(collection): \(documents) documents, \(bytes) bytes of JSON"
        case .collectionFinished(let collection, let documents, let bytes, let sha256):
            "  \(collection): done, \(documents) documents, \(bytes) bytes, sha256 \(sha256.prefix(12))…"
        case .backupCompleted(let id, let documents, let bytes):
            "backup \(id) complete: \(documents) documents, \(bytes) bytes"
        case .managedExportProgress(let operation, let state, let documents):
            "managed export \(operation): \(state)\(documents.map { ", \($0) documents" } ?? "")"
        case .verifyFileChecked(let collection, let lines, let problems):
            "  \(collection): \(lines) lines, \(problems == 0 ? "ok" : "\(problems) problem(s)")"
        case .verifyCompleted(let id, let passed):
            "verify \(id): \(passed ? "passed" : "FAILED")"
        case .restoreProgress(let collection, let examined, let created, let overwritten, let identical):
            "  \(collection): \(examined) examined, \(created) created, \(overwritten) overwritten, \(identical) identical"
        case .extrasChecked(let collection, let extras, let deleted, let conflicts):
            "  \(collection): \(extras) live document(s) not in the backup"
                + (deleted + conflicts > 0 ? ", \(deleted) deleted, \(conflicts) kept (changed during the restore)" : "")
        case .restoreCompleted(let created, let overwritten, let identical, let dryRun):
            dryRun
                ? "dry run: would create \(created), overwrite \(overwritten) that differ, leave \(identical) identical"
                : "restore complete: \(created) created, \(overwritten) overwritten, \(identical) already identical"
        }
    }
}
