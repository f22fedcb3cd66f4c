import Foundation
import Gzip
#if canImport(Glibc)
import Glibc
#endif

/// Reads one gzip JSON-lines file a chunk at a time, hashing the compressed bytes and handing out
/// complete lines with their 1-based numbers.
///
/// Damage never stops the hash: after a gzip error the rest of the file is still read, so verify can
/// report both the checksum and where decoding broke.
struct CollectionFileReader {
    struct Outcome {
        var byteSize: Int64 = 0
        var sha256 = ""
        var lineCount = 0
        /// Set when the gzip stream is corrupt or cut short, with the last good line number.
        var gzipProblem: String?
    }

    let url: URL
    /// A line longer than this is treated as damage (Firestore documents are at most 1 MiB; their
    /// REST JSON is a few times that at worst).
    var maxLineBytes = 16 * 1024 * 1024

    /// Calls `onLine` for each line in order. An error thrown by `onLine` stops reading and is rethrown.
    func read(onLine: (_ number: Int, _ line: UnsafeRawBufferPointer) throws -> Void) throws -> Outcome {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw BackupError.io(path: url.path, reason: "cannot open the file: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var outcome = Outcome()
        let hasher = SHA256()
        var decoder: GzipDecoder? = try? GzipDecoder(chunkSize: 256 * 1024)
        var carry: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        let name = url.lastPathComponent

        func fail(_ message: String) {
            if outcome.gzipProblem == nil { outcome.gzipProblem = message }
            decoder = nil
        }

        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw BackupError.io(path: url.path, reason: "read failed: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            outcome.byteSize += Int64(count)
            chunk.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            guard let active = decoder else { continue }
            let plain: [UInt8]
            do {
                plain = try active.append(count == chunk.count ? chunk : Array(chunk[0..<count]))
            } catch {
                fail("\(name): gzip data is damaged after line \(outcome.lineCount) (\(error))")
                continue
            }
            try split(plain, carry: &carry, outcome: &outcome, onLine: onLine)
            if carry.count > maxLineBytes {
                fail("\(name) line \(outcome.lineCount + 1): longer than \(maxLineBytes) bytes without a newline; the file is damaged")
                carry = []
            }
        }
        if let active = decoder {
            do {
                try active.finish()
            } catch {
                fail("\(name): the file is cut short after line \(outcome.lineCount) (\(error))")
            }
        }
        if outcome.gzipProblem == nil, !carry.isEmpty {
            outcome.gzipProblem = "\(name) line \(outcome.lineCount + 1): the last line has no newline; the file was cut short"
        }
        outcome.sha256 = hasher.finalizeHex()
        return outcome
    }

    private func split(_ plain: [UInt8], carry: inout [UInt8], outcome: inout Outcome,
                       onLine: (Int, UnsafeRawBufferPointer) throws -> Void) throws {
        try plain.withUnsafeBytes { bytes in
            var start = 0
            while start < bytes.count {
                guard let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                    carry.append(contentsOf: bytes[start...])
                    return
                }
                outcome.lineCount += 1
                if carry.isEmpty {
                    try onLine(outcome.lineCount, UnsafeRawBufferPointer(rebasing: bytes[start..<newline]))
                } else {
                    carry.append(contentsOf: bytes[start..<newline])
                    try carry.withUnsafeBytes { try onLine(outcome.lineCount, $0) }
                    carry.removeAll(keepingCapacity: true)
                }
                start = newline + 1
            }
        }
    }
}
