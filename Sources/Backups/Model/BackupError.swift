import Firestore

/// Why a backup operation stopped, phrased to say what, where and what to do.
///
/// `kind` maps onto the command line's exit codes (DESIGN.md): a usage or configuration problem is
/// 2, a refusal is 3, everything else is a failed operation (1).
public enum BackupError: Error, Sendable, CustomStringConvertible {
    case manifestUnreadable(path: String, reason: String)
    case backupNotFound(environment: String, id: String, directory: String)
    case invalidArgument(String)
    case io(path: String, reason: String)
    /// A line of a backup file could not be used (restore); verify reports these as findings instead.
    case corruptLine(file: String, line: Int, reason: String)
    /// Restore found live documents that differ from the backup and `--overwrite` was not given.
    case refusedOverwrite(count: Int, examples: [String])
    /// Restore into a protected environment without its name confirmed (`confirmation` is what was given).
    case refusedProtected(environment: String, confirmation: String?)
    /// A Firestore call failed; the error keeps its gRPC status.
    case firestore(FirestoreError)

    public enum Kind: Sendable { case usage, failed, refused }

    public var kind: Kind {
        switch self {
        case .backupNotFound, .invalidArgument: .usage
        case .refusedOverwrite, .refusedProtected: .refused
        case .manifestUnreadable, .io, .corruptLine, .firestore: .failed
        }
    }

    public var description: String {
        switch self {
        case .manifestUnreadable(let path, let reason):
            "backup manifest \(path): \(reason)"
        case .backupNotFound(let environment, let id, let directory):
            "no finished backup '\(id)' for environment '\(environment)' in \(directory); `runbook backup list --env \(environment)` shows the ones there are"
        case .invalidArgument(let message):
            message
        case .io(let path, let reason):
            "\(path): \(reason)"
        case .corruptLine(let file, let line, let reason):
            "\(file) line \(line): \(reason); run `runbook backup verify` on this backup"
        case .refusedOverwrite(let count, let examples):
            "refused: \(count) live document(s) differ from the backup, e.g. \(examples.joined(separator: ", ")); "
                + "run with --dry-run to see them all, or --overwrite to replace them"
        case .refusedProtected(let environment, let confirmation):
            (confirmation.map { "refused: --confirm-protected '\($0)' does not match the target '\(environment)'; " }
                ?? "refused: '\(environment)' is a protected environment and a restore writes to it; ")
                + "run with --dry-run to see what would change, then repeat with --confirm-protected \(environment)"
        case .firestore(let error):
            error.description
        }
    }
}
