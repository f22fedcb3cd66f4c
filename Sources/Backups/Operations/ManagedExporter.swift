import Firestore
import Foundation

/// Firestore's own managed export (`exportDocuments` to a `gs://` bucket), followed to the end.
///
/// For production projects, in addition to the local backup: Google's export is what Firestore
/// can import back at scale, while the local files are what this tool can verify line by line.
public struct ManagedExporter: Sendable {
    public let admin: AdminClient
    public var pollInterval: TimeInterval = 5
    public var timeout: TimeInterval = 3600

    public init(admin: AdminClient) {
        self.admin = admin
    }

    /// Checks the request before any work starts: an Admin API to ask and a `gs://` destination.
    public func validate(outputUriPrefix: String) throws {
        guard admin.supportsAdminAPI else {
            throw BackupError.invalidArgument(
                "managed export does not apply to an emulator environment (it has no Admin API); drop --export-to")
        }
        guard outputUriPrefix.hasPrefix("gs://"), outputUriPrefix.count > 5 else {
            throw BackupError.invalidArgument("--export-to must be a Cloud Storage URI gs://BUCKET[/PATH], got '\(outputUriPrefix)'")
        }
    }

    /// Starts the export and waits for its long-running operation; fails with the operation's error.
    public func export(collections: [String], to outputUriPrefix: String,
                       events: AsyncStream<BackupEvent>.Continuation? = nil) async throws -> ManagedExportRecord {
        try validate(outputUriPrefix: outputUriPrefix)
        let started: AdminOperation
        do {
            started = try await admin.exportDocuments(collectionIDs: collections, outputUriPrefix: outputUriPrefix)
        } catch {
            throw BackupError.firestore(error)
        }
        events?.yield(.managedExportProgress(operation: started.name, state: started.state ?? "STARTED", documents: started.documents?.completed))
        let finished: AdminOperation
        do {
            finished = try await admin.waitForOperation(named: started.name, pollInterval: pollInterval, timeout: timeout) { operation in
                events?.yield(.managedExportProgress(operation: operation.name, state: operation.state ?? "PROCESSING",
                                                     documents: operation.documents?.completed))
            }
        } catch {
            throw BackupError.firestore(error)
        }
        let prefix = finished.response?["outputUriPrefix"]?.stringValue ?? finished.outputUriPrefix ?? outputUriPrefix
        return ManagedExportRecord(outputUriPrefix: prefix, operation: finished.name, state: finished.state ?? "SUCCESSFUL")
    }
}

extension PointInTimeWindow {
    /// The window the database really has: from its metadata when the Admin API answers, else
    /// Firestore's default hour (the emulator is treated as one hour too), with the reason.
    public static func lookUp(admin: AdminClient) async -> PointInTimeWindow {
        guard admin.supportsAdminAPI else {
            return PointInTimeWindow(retention: 3600, source: "emulator: treated as Firestore's default one hour")
        }
        do {
            let metadata = try await admin.database()
            let retention = metadata.versionRetention ?? (metadata.pointInTimeRecoveryEnabled ? 7 * 86_400 : 3600)
            return PointInTimeWindow(
                retention: retention, earliestVersionTime: metadata.earliestVersionTime,
                source: "database metadata: versionRetentionPeriod \(Int(retention)) s, point-in-time recovery "
                    + (metadata.pointInTimeRecoveryEnabled ? "enabled" : "disabled"))
        } catch {
            return PointInTimeWindow(retention: 3600, source: "database metadata unreadable (\(error.code.rawValue)); assumed one hour")
        }
    }
}
