import Foundation

/// Where backups live on disk: `<root>/<environment>/<id>/`.
///
/// A backup is written inside a hidden `.partial-<id>` directory and renamed to `<id>` only after
/// every file and the manifest are on disk and synced, so a crash at any point never leaves a
/// directory that looks like a finished backup. Listing skips hidden directories and any directory
/// without a manifest.
public struct BackupStore: Sendable {
    public let root: URL

    public static let manifestFileName = "manifest.json"
    public static let verificationFileName = "verification.json"
    static let partialPrefix = ".partial-"

    public init(root: URL) {
        self.root = root
    }

    public func environmentDirectory(_ environment: String) -> URL {
        root.appendingPathComponent(environment, isDirectory: true)
    }

    public func directory(environment: String, id: String) -> URL {
        environmentDirectory(environment).appendingPathComponent(id, isDirectory: true)
    }

    func partialDirectory(environment: String, id: String) -> URL {
        environmentDirectory(environment).appendingPathComponent(Self.partialPrefix + id, isDirectory: true)
    }

    /// A new, sortable backup ID: UTC time to the second plus random hex so two backups in the same
    /// second don't collide.
    public static func newID(now: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let suffix = String(UInt32.random(in: 0...0xFFFFFF), radix: 16)
        return formatter.string(from: now) + "-" + String(repeating: "0", count: 6 - suffix.count) + suffix
    }

    /// Checks an ID given on the command line names one directory and nothing else.
    public static func validate(id: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        guard !id.isEmpty, !id.hasPrefix("."), id.allSatisfy({ allowed.contains($0) }) else {
            throw BackupError.invalidArgument(
                "backup ID '\(id)' is not valid: use the ID `runbook backup list` prints (letters, digits, '-', '_', '.')")
        }
    }

    /// The manifest of a finished backup.
    public func manifest(environment: String, id: String) throws -> BackupManifest {
        try Self.validate(id: id)
        let url = directory(environment: environment, id: id).appendingPathComponent(Self.manifestFileName)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw BackupError.backupNotFound(environment: environment, id: id, directory: environmentDirectory(environment).path)
        }
        return try BackupManifest.load(from: url)
    }

    /// Finished backups of one environment, oldest first. Unreadable manifests are returned as
    /// problems rather than hidden, so a damaged backup is noticed.
    public func list(environment: String) -> (backups: [BackupManifest], problems: [String], abandoned: [String]) {
        let directory = environmentDirectory(environment)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var backups: [BackupManifest] = []
        var problems: [String] = []
        var abandoned: [String] = []
        for name in names.sorted() {
            if name.hasPrefix(Self.partialPrefix) {
                abandoned.append(String(name.dropFirst(Self.partialPrefix.count)))
                continue
            }
            if name.hasPrefix(".") { continue }
            let manifestURL = directory.appendingPathComponent(name).appendingPathComponent(Self.manifestFileName)
            guard FileManager.default.fileExists(atPath: manifestURL.path) else { continue }
            do {
                backups.append(try BackupManifest.load(from: manifestURL))
            } catch {
                problems.append(String(describing: error))
            }
        }
        return (backups, problems, abandoned)
    }

    /// The stored verification of a backup, if it was ever verified.
    public func verification(environment: String, id: String) -> VerificationReport? {
        let url = directory(environment: environment, id: id).appendingPathComponent(Self.verificationFileName)
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(VerificationReport.self, from: data)
    }

    /// File name for a root collection: collection IDs may hold any character but `/`, so anything
    /// outside a safe set is percent-encoded, and the name can never be `manifest.json`.
    public static func fileName(forCollection collection: String) -> String {
        var name = ""
        for byte in collection.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                name.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                name += String(format: "%%%02X", byte)
            }
        }
        return name + ".jsonl.gz"
    }
}
