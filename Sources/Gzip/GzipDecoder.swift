import CZlib

/// An incremental gzip decompressor.
///
/// Reads concatenated gzip members as one stream (what `cat a.gz b.gz` and appended backup files
/// produce). `maxOutput` bounds the total decompressed size so a hostile or corrupt input cannot
/// exhaust memory. Not thread-safe: one owner.
public final class GzipDecoder {
    private let stream: UnsafeMutablePointer<z_stream>
    private let chunkSize: Int
    private let maxOutput: Int
    private var produced = 0
    /// True between members: a finished member and no byte of the next one yet.
    private var atMemberBoundary = false
    private var sawInput = false
    private var finished = false

    /// - Parameter maxOutput: the most decompressed bytes this decoder will produce in total.
    public init(maxOutput: Int = Int.max, chunkSize: Int = 32 * 1024) throws {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        self.chunkSize = max(chunkSize, 64)
        self.maxOutput = maxOutput
        // 15 + 16: accept only gzip framing (zlib would otherwise also accept zlib headers with +32).
        let code = czlib_inflateInit2(stream, 15 + 16)
        guard code == Z_OK else {
            let error = GzipError.zlib(code, stream: stream, doing: "starting the gzip decoder")
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw error
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Decompresses more input; returns the bytes it decoded (possibly none).
    public func append(_ bytes: [UInt8]) throws -> [UInt8] {
        guard !finished else {
            throw GzipError(.alreadyFinished, message: "append after finish: start a new GzipDecoder for a new stream")
        }
        if bytes.isEmpty { return [] }
        sawInput = true
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        try bytes.withUnsafeBufferPointer { inBuf in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
            stream.pointee.avail_in = uInt(inBuf.count)
            defer {
                stream.pointee.next_in = nil
                stream.pointee.avail_in = 0
            }
            while stream.pointee.avail_in > 0 {
                if atMemberBoundary {
                    // Another member follows the previous one's trailer.
                    let reset = inflateReset(stream)
                    guard reset == Z_OK else { throw GzipError.zlib(reset, stream: stream, doing: "starting the next gzip member") }
                    atMemberBoundary = false
                }
                let (code, count) = chunk.withUnsafeMutableBufferPointer { outBuf -> (Int32, Int) in
                    stream.pointee.next_out = outBuf.baseAddress
                    stream.pointee.avail_out = uInt(outBuf.count)
                    let code = inflate(stream, Z_NO_FLUSH)
                    let count = outBuf.count - Int(stream.pointee.avail_out)
                    stream.pointee.next_out = nil
                    stream.pointee.avail_out = 0
                    return (code, count)
                }
                if count > 0 {
                    produced += count
                    guard produced <= maxOutput else {
                        throw GzipError(.outputLimitExceeded,
                                        message: "decompressed data exceeds the limit of \(maxOutput) bytes; raise the limit if the input is trusted")
                    }
                    output.append(contentsOf: chunk[0..<count])
                }
                switch code {
                case Z_STREAM_END:
                    atMemberBoundary = true
                case Z_OK:
                    continue
                case Z_BUF_ERROR:
                    // No progress possible: all input consumed into zlib's window.
                    if count == 0 { return }
                case Z_NEED_DICT:
                    throw GzipError(.corruptData, code: code, message: "the stream asks for a preset dictionary, which gzip never uses")
                default:
                    throw GzipError.zlib(code, stream: stream, doing: "decompressing")
                }
            }
        }
        return output
    }

    /// Checks that the stream ended cleanly on a member's trailer.
    ///
    /// A stream that stops mid-member is reported as `.truncated` rather than silently accepted,
    /// because a half-written backup must never pass as a complete one.
    public func finish() throws {
        guard !finished else {
            throw GzipError(.alreadyFinished, message: "finish called twice on one GzipDecoder")
        }
        finished = true
        guard sawInput else {
            throw GzipError(.truncated, message: "the gzip stream is empty; expected at least a 10-byte header and an 8-byte trailer")
        }
        guard atMemberBoundary else {
            throw GzipError(.truncated, message: "the gzip stream ended before its trailer; the file or body was cut short")
        }
    }
}
