import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file created exclusively and written with plain `write(2)`, synced before it is closed.
///
/// Backups promise that what the manifest describes is on disk; `FileHandle` hides the descriptor
/// and its errors, so this keeps both in hand.
final class RawFile {
    let url: URL
    private var descriptor: Int32

    init(creating url: URL) throws {
        self.url = url
        descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw BackupError.io(path: url.path, reason: "cannot create the file: \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw BackupError.io(path: url.path, reason: "write failed: \(String(cString: strerror(errno))); check free disk space")
                }
                offset += written
            }
        }
    }

    func syncAndClose() throws {
        guard fsync(descriptor) == 0 else {
            throw BackupError.io(path: url.path, reason: "cannot sync the file to disk: \(String(cString: strerror(errno)))")
        }
        close(descriptor)
        descriptor = -1
    }
}

/// Syncs a directory so a rename or a new file in it survives a power loss.
func syncDirectory(_ url: URL) throws {
    let descriptor = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else {
        throw BackupError.io(path: url.path, reason: "cannot open the directory to sync it: \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    guard fsync(descriptor) == 0 else {
        throw BackupError.io(path: url.path, reason: "cannot sync the directory: \(String(cString: strerror(errno)))")
    }
}
