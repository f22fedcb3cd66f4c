import CZlib

/// An incremental gzip compressor (RFC 1952 framing, not raw deflate).
///
/// Incremental so that a backup can stream millions of JSON lines to disk, and an HTTP response
/// can be compressed without holding two copies of a large body. Not thread-safe: one owner.
///
/// ```swift
/// let encoder = try GzipEncoder()
/// var file = try encoder.append(Array("line 1\n".utf8))
/// file += try encoder.finish()
/// ```
public final class GzipEncoder {
    /// zlib keeps a back pointer to the stream, so it lives at a fixed address.
    private let stream: UnsafeMutablePointer<z_stream>
    private var finished = false
    private let chunkSize: Int

    /// - Parameter level: 0 (store) to 9 (smallest); 6 is zlib's balance of speed and size.
    public init(level: Int = 6, chunkSize: Int = 16 * 1024) throws {
        guard (0...9).contains(level) else {
            throw GzipError(.initialization, message: "compression level \(level) is out of range; use 0 (none) to 9 (best)")
        }
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        self.chunkSize = max(chunkSize, 64)
        // windowBits 15 + 16 asks zlib for a gzip header and trailer; memLevel 8 is zlib's default.
        let code = czlib_deflateInit2(stream, Int32(level), Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY)
        guard code == Z_OK else {
            let error = GzipError.zlib(code, stream: stream, doing: "starting the gzip encoder")
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw error
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Compresses more input; returns whatever compressed bytes zlib has ready (often none).
    public func append(_ bytes: [UInt8]) throws -> [UInt8] {
        guard !finished else {
            throw GzipError(.alreadyFinished, message: "append after finish: start a new GzipEncoder for a new stream")
        }
        if bytes.isEmpty { return [] }
        return try run(bytes, flush: Z_NO_FLUSH)
    }

    /// Compresses more input and flushes it so a reader can decode everything sent so far
    /// (for streamed HTTP bodies). Costs a few bytes of ratio per call.
    public func flush(_ bytes: [UInt8] = []) throws -> [UInt8] {
        guard !finished else {
            throw GzipError(.alreadyFinished, message: "flush after finish: start a new GzipEncoder for a new stream")
        }
        return try run(bytes, flush: Z_SYNC_FLUSH)
    }

    /// Ends the stream: returns the remaining compressed bytes and the gzip trailer (CRC32, length).
    public func finish() throws -> [UInt8] {
        guard !finished else {
            throw GzipError(.alreadyFinished, message: "finish called twice on one GzipEncoder")
        }
        finished = true
        return try run([], flush: Z_FINISH)
    }

    private func run(_ input: [UInt8], flush: Int32) throws -> [UInt8] {
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        try input.withUnsafeBufferPointer { inBuf in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
            stream.pointee.avail_in = uInt(inBuf.count)
            defer {
                stream.pointee.next_in = nil
                stream.pointee.avail_in = 0
            }
            while true {
                let (code, produced) = chunk.withUnsafeMutableBufferPointer { outBuf -> (Int32, Int) in
                    stream.pointee.next_out = outBuf.baseAddress
                    stream.pointee.avail_out = uInt(outBuf.count)
                    let code = deflate(stream, flush)
                    let produced = outBuf.count - Int(stream.pointee.avail_out)
                    stream.pointee.next_out = nil
                    stream.pointee.avail_out = 0
                    return (code, produced)
                }
                if produced > 0 { output.append(contentsOf: chunk[0..<produced]) }
                switch code {
                case Z_STREAM_END:
                    return
                case Z_OK, Z_BUF_ERROR:
                    // Done when zlib consumed all input and left room in the output buffer.
                    if stream.pointee.avail_in == 0 && produced < chunkSize && flush != Z_FINISH { return }
                    if code == Z_BUF_ERROR && produced == 0 { return }
                default:
                    throw GzipError.zlib(code, stream: stream, doing: "compressing")
                }
            }
        }
        return output
    }
}
