import CZlib

/// Why a gzip stream could not be produced or read.
///
/// Carries zlib's own message when it gives one, so a corrupt backup file or a broken request body
/// says what is wrong instead of just "error -3".
public struct GzipError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: String, Sendable {
        /// zlib refused to start (bad level, out of memory).
        case initialization
        /// The input is not gzip, or it is corrupt (bad header, bad CRC, bad length).
        case corruptData
        /// The input ended before the gzip trailer.
        case truncated
        /// Decompressed output grew beyond the caller's limit (a "zip bomb" guard).
        case outputLimitExceeded
        /// `append` or `finish` was called after `finish`.
        case alreadyFinished
        /// Any other zlib failure.
        case zlib
    }

    public let kind: Kind
    /// zlib's return code, when zlib produced one.
    public let code: Int32?
    /// A sentence naming what went wrong and what to do.
    public let message: String

    public init(_ kind: Kind, code: Int32? = nil, message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    public var description: String {
        if let code { return "gzip \(kind.rawValue) (zlib \(code)): \(message)" }
        return "gzip \(kind.rawValue): \(message)"
    }

    /// Builds an error from a zlib return code and the stream's `msg`.
    static func zlib(_ code: Int32, stream: UnsafeMutablePointer<z_stream>, doing what: String) -> GzipError {
        let detail = stream.pointee.msg.map { String(cString: $0) }
        switch code {
        case Z_DATA_ERROR:
            return GzipError(.corruptData, code: code,
                             message: "\(what): the data is not valid gzip (\(detail ?? "corrupt stream")); check that the file or body really is gzip and was not cut or altered")
        case Z_MEM_ERROR:
            return GzipError(.zlib, code: code, message: "\(what): zlib ran out of memory")
        case Z_STREAM_ERROR:
            return GzipError(.zlib, code: code, message: "\(what): invalid zlib stream state\(detail.map { " (\($0))" } ?? "")")
        default:
            return GzipError(.zlib, code: code, message: "\(what): zlib failed\(detail.map { " (\($0))" } ?? "")")
        }
    }
}
