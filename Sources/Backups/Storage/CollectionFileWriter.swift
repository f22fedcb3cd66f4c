import Foundation
import Gzip
#if canImport(Glibc)
import Glibc
#endif

/// Appends JSON lines to one gzip file, hashing and counting the compressed bytes as they go.
///
/// Memory stays at one page of lines plus zlib's window, whatever the collection's size. The file
/// is created exclusively (never overwriting) and synced before `finish` returns, so the manifest
/// that follows describes bytes that are really on disk.
final class CollectionFileWriter {
    let url: URL
    private var descriptor: Int32
    private let encoder: GzipEncoder
    private let hasher = SHA256()
    private(set) var lineCount = 0
    private(set) var compressedBytes: Int64 = 0
    private(set) var uncompressedBytes: Int64 = 0
    private var pending: [UInt8] = []

    init(url: URL, level: Int = 6) throws {
        self.url = url
        descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw BackupError.io(path: url.path, reason: "cannot create the file: \(String(cString: strerror(errno)))")
        }
        do {
            encoder = try GzipEncoder(level: level, chunkSize: 64 * 1024)
        } catch {
            close(descriptor)
            throw BackupError.io(path: url.path, reason: "cannot start gzip: \(error)")
        }
        pending.reserveCapacity(256 * 1024)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Adds one line; `line` must not contain a newline (REST JSON from our serializer never does).
    func append(line: [UInt8]) throws {
        pending.append(contentsOf: line)
        pending.append(UInt8(ascii: "\n"))
        lineCount += 1
        if pending.count >= 256 * 1024 { try drain() }
    }

    /// Compresses what is buffered and writes it out.
    func drain() throws {
        guard !pending.isEmpty else { return }
        uncompressedBytes += Int64(pending.count)
        let compressed: [UInt8]
        do { compressed = try encoder.append(pending) } catch {
            throw BackupError.io(path: url.path, reason: "gzip failed: \(error)")
        }
        pending.removeAll(keepingCapacity: true)
        try write(compressed)
    }

    /// Ends the gzip stream, syncs and closes the file; returns its size and SHA-256.
    func finish() throws -> (byteSize: Int64, sha256: String) {
        try drain()
        let trailer: [UInt8]
        do { trailer = try encoder.finish() } catch {
            throw BackupError.io(path: url.path, reason: "gzip failed: \(error)")
        }
        try write(trailer)
        guard fsync(descriptor) == 0 else {
            throw BackupError.io(path: url.path, reason: "cannot sync the file to disk: \(String(cString: strerror(errno)))")
        }
        close(descriptor)
        descriptor = -1
        return (compressedBytes, hasher.finalizeHex())
    }

    private func write(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        hasher.update(bytes)
        compressedBytes += Int64(bytes.count)
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
