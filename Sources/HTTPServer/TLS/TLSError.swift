import COpenSSL

/// Why TLS could not be set up or a connection's TLS failed. Start-up errors name the file;
/// connection errors carry OpenSSL's own reason strings (e.g. "unsupported protocol").
public struct TLSError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum FileRole: String, Sendable {
        case certificate
        case privateKey = "private key"

        var flag: String { self == .certificate ? "cert" : "key" }
    }

    public enum Kind: Sendable, Equatable {
        case fileNotFound(FileRole, path: String)
        case fileUnreadable(FileRole, path: String)
        /// The file is there but is not a PEM certificate or key OpenSSL accepts.
        case invalidPEM(FileRole, path: String)
        /// The key does not belong to the certificate.
        case keyMismatch(certificatePath: String, privateKeyPath: String)
        /// OpenSSL refused a context setting (cipher list, protocol bounds).
        case context
        /// The peer's handshake failed (old protocol, no shared cipher, not TLS at all).
        case handshake
        /// A record could not be read or written after the handshake.
        case io
    }

    public let kind: Kind
    public let message: String
    /// OpenSSL's error queue at the time, oldest first.
    public let openSSLErrors: [String]

    public init(_ kind: Kind, message: String, openSSLErrors: [String] = []) {
        self.kind = kind
        self.message = message
        self.openSSLErrors = openSSLErrors
    }

    public var description: String {
        openSSLErrors.isEmpty ? "TLS: \(message)" : "TLS: \(message) [\(openSSLErrors.joined(separator: "; "))]"
    }

    /// Builds an error and drains OpenSSL's per-thread error queue into it, so a later failure on
    /// this thread does not report a stale reason.
    static func fromQueue(_ kind: Kind, _ message: String) -> TLSError {
        TLSError(kind, message: message, openSSLErrors: drainErrorQueue())
    }

    static func drainErrorQueue() -> [String] {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            reasons.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return reasons
    }
}
