import Foundation

/// Why the emulator could not be used; the message says what to install or set.
public enum EmulatorError: Error, Sendable, CustomStringConvertible {
    case notFound(searched: [String])
    case launchFailed(String)
    case notReady(host: String, seconds: Int, logTail: String)

    public var description: String {
        switch self {
        case .notFound(let searched):
            "Cloud Firestore emulator not found (looked for \(searched.joined(separator: ", "))). Install it with "
                + "`gcloud components install cloud-firestore-emulator` (or apt-get install google-cloud-cli-firestore-emulator), "
                + "or set FIRESTORE_EMULATOR_HOST to a running emulator."
        case .launchFailed(let reason):
            "Cloud Firestore emulator could not be started: \(reason)"
        case .notReady(let host, let seconds, let logTail):
            "Cloud Firestore emulator at \(host) did not answer within \(seconds) s. Its log ends with:\n\(logTail)"
        }
    }
}

/// Finds the emulator the way DESIGN.md says: the gcloud SDK root, else /usr/lib/google-cloud-sdk.
enum EmulatorLocator {
    static let relativePath = "platform/cloud-firestore-emulator/cloud_firestore_emulator"

    static func candidates() -> [String] {
        var roots: [String] = []
        if let root = gcloudSDKRoot() { roots.append(root) }
        roots.append("/usr/lib/google-cloud-sdk")
        var seen = Set<String>()
        return roots.filter { seen.insert($0).inserted }.map { ($0 as NSString).appendingPathComponent(relativePath) }
    }

    static func locate() throws(EmulatorError) -> String {
        let paths = candidates()
        for path in paths where FileManager.default.isExecutableFile(atPath: path) { return path }
        throw .notFound(searched: paths)
    }

    /// `gcloud info --format='value(installation.sdk_root)'`, or nil when gcloud is not installed.
    static func gcloudSDKRoot() -> String? {
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard let gcloud = searchPath.split(separator: ":").map({ "\($0)/gcloud" })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: gcloud)
        process.arguments = ["info", "--format=value(installation.sdk_root)"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let root = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return root.isEmpty ? nil : root
    }

    /// A port that was free a moment ago on 127.0.0.1.
    static func freePort() throws(EmulatorError) -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .launchFailed("socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw .launchFailed("bind() failed: errno \(errno)") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw .launchFailed("getsockname() failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
