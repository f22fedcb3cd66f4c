import Digest
import Foundation
import Gzip
#if canImport(Glibc)
import Glibc
#endif

/// Reads one gzip JSON-lines file a chunk at a time, hashing the compressed bytes and handing out
/// complete lines in order.
///
/// Damage never stops the hash: after a gzip error `nextLine` returns nil and `finish` still reads
/// the rest of the file, so verify can report both the checksum and where decoding broke.
final class CollectionFileReader {
    struct Outcome {
        var byteSize: Int64 = 0
        var sha256 = ""
        var lineCount = 0
        /// Set when the gzip stream is corrupt or cut short, with the last good line number.
        var gzipProblem: String?
    }

    let url: URL
    /// A line longer than this is treated as damage (a Firestore document is at most 1 MiB; its
    /// REST JSON is a few times that at worst).
    let maxLineBytes: Int
    /// 1-based number of the line `nextLine` returned last.
    private(set) var lineNumber = 0
    private var descriptor: Int32
    private let hasher = SHA256()
    private var decoder: GzipDecoder?
    private var byteSize: Int64 = 0
    private var problem: String?
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    private var chunk = [UInt8](repeating: 0, count: 256 * 1024)

    init(url: URL, maxLineBytes: Int = 16 * 1024 * 1024) throws {
        self.url = url
        self.maxLineBytes = maxLineBytes
        descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw BackupError.io(path: url.path, reason: "cannot open the file: \(String(cString: strerror(errno)))")
        }
        decoder = try? GzipDecoder(chunkSize: 256 * 1024)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// The next complete line without its newline, or nil at the end or at the first damage.
    func nextLine() throws -> [UInt8]? {
        while true {
            if let newline = buffer[position...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[position..<newline])
                position = newline + 1
                lineNumber += 1
                return line
            }
            if buffer.count - position > maxLineBytes {
                fail("\(url.lastPathComponent) line \(lineNumber + 1): longer than \(maxLineBytes) bytes without a newline; the file is damaged")
            }
            guard decoder != nil, !atEnd else {
                if problem == nil, position < buffer.count {
                    problem = "\(url.lastPathComponent) line \(lineNumber + 1): the last line has no newline; the file was cut short"
                }
                return nil
            }
            try fill()
        }
    }

    /// Reads whatever is left (hashing it), closes the file and says what was found.
    func finish() throws -> Outcome {
        while decoder != nil || !atEnd {
            if atEnd { break }
            try fill()
        }
        let count = buffer[position...].reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        close(descriptor)
        descriptor = -1
        return Outcome(byteSize: byteSize, sha256: hasher.finalizeHex(), lineCount: lineNumber + count, gzipProblem: problem)
    }

    /// Reads one chunk: hash it, decode it when the stream is still healthy.
    private func fill() throws {
        let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress!, $0.count) }
        if count < 0 {
            if errno == EINTR { return }
            throw BackupError.io(path: url.path, reason: "read failed: \(String(cString: strerror(errno)))")
        }
        if count == 0 {
            atEnd = true
            if let active = decoder {
                do { try active.finish() } catch {
                    fail("\(url.lastPathComponent): the file is cut short after line \(lineNumber) (\(error))")
                }
            }
            return
        }
        byteSize += Int64(count)
        chunk.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        guard let active = decoder else { return }
        do {
            let plain = try active.append(count == chunk.count ? chunk : Array(chunk[0..<count]))
            if position > 0 {
                buffer.removeFirst(position)
                position = 0
            }
            buffer.append(contentsOf: plain)
        } catch {
            fail("\(url.lastPathComponent): gzip data is damaged after line \(lineNumber) (\(error))")
        }
    }

    private func fail(_ message: String) {
        if problem == nil { problem = message }
        decoder = nil
        buffer.removeAll()
        position = 0
    }
}
