import Digest
import Foundation
import Gzip

/// Appends JSON lines to one gzip file, hashing and counting the compressed bytes as they go.
///
/// Memory stays at one page of lines plus zlib's window, whatever the collection's size. The file
/// is created exclusively (never overwriting) and synced before `finish` returns, so the manifest
/// that follows describes bytes that are really on disk.
final class CollectionFileWriter {
    let url: URL
    private let file: RawFile
    private let encoder: GzipEncoder
    private let hasher = SHA256()
    private(set) var lineCount = 0
    private(set) var compressedBytes: Int64 = 0
    private(set) var uncompressedBytes: Int64 = 0
    private var pending: [UInt8] = []
    private static let flushThreshold = 256 * 1024

    init(url: URL, level: Int = 6) throws {
        self.url = url
        file = try RawFile(creating: url)
        do {
            encoder = try GzipEncoder(level: level, chunkSize: 64 * 1024)
        } catch {
            throw BackupError.io(path: url.path, reason: "cannot start gzip: \(error)")
        }
        pending.reserveCapacity(Self.flushThreshold + 64 * 1024)
    }

    /// Adds one line; `line` must not contain a newline (REST JSON from our serializer never does).
    func append(line: [UInt8]) throws {
        pending.append(contentsOf: line)
        pending.append(UInt8(ascii: "\n"))
        lineCount += 1
        if pending.count >= Self.flushThreshold { try drain() }
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
        try file.syncAndClose()
        return (compressedBytes, hasher.finalizeHex())
    }

    private func write(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        hasher.update(bytes)
        compressedBytes += Int64(bytes.count)
        try file.write(bytes)
    }
}
