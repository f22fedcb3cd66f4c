import Digest
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Size and SHA-256 of a file, read in chunks.
func fileDigest(_ url: URL) throws -> (size: Int64, sha256: String) {
    let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
        throw BackupError.io(path: url.path, reason: "cannot open the file: \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    let hasher = SHA256()
    var size: Int64 = 0
    var chunk = [UInt8](repeating: 0, count: 256 * 1024)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
        if count < 0 {
            if errno == EINTR { continue }
            throw BackupError.io(path: url.path, reason: "read failed: \(String(cString: strerror(errno)))")
        }
        if count == 0 { break }
        size += Int64(count)
        chunk.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    }
    return (size, hasher.finalizeHex())
}
