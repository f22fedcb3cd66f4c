/// One-shot helpers over `GzipEncoder` and `GzipDecoder`.
public enum Gzip {
    /// Compresses `bytes` into one complete gzip member.
    public static func compress(_ bytes: [UInt8], level: Int = 6) throws -> [UInt8] {
        let encoder = try GzipEncoder(level: level, chunkSize: max(64, min(bytes.count / 2 + 64, 256 * 1024)))
        var output = try encoder.append(bytes)
        output += try encoder.finish()
        return output
    }

    /// Decompresses a complete gzip stream (one or more members).
    ///
    /// - Parameter maxOutput: refuse to produce more than this many bytes.
    /// - Throws: `GzipError` with `.corruptData`, `.truncated` or `.outputLimitExceeded`.
    public static func decompress(_ bytes: [UInt8], maxOutput: Int = Int.max) throws -> [UInt8] {
        let decoder = try GzipDecoder(maxOutput: maxOutput, chunkSize: max(64, min(bytes.count * 4, 256 * 1024)))
        let output = try decoder.append(bytes)
        try decoder.finish()
        return output
    }

    /// True when `bytes` start with the gzip magic number (1f 8b).
    public static func looksLikeGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }
}
