/// A per-connection byte transform that sits between the socket and the HTTP parser.
///
/// The event loop owns the socket and never blocks; it hands every ciphertext chunk it reads to
/// `receive` and writes out whatever comes back. TLS (OpenSSL over memory BIOs) is the one
/// implementation; plain connections use no transform at all. Keeping the loop ignorant of TLS
/// means a handshake is just more bytes in and out, so it can never stall other connections.
public protocol ConnectionSecurity: AnyObject {
    /// Bytes read from the socket. Returns application bytes for the parser and bytes that must
    /// be written to the socket now (handshake records, alerts).
    func receive(_ bytes: [UInt8]) throws -> (plaintext: [UInt8], toSend: [UInt8])
    /// Application bytes to send; returns the bytes to write to the socket.
    func send(_ plaintext: [UInt8]) throws -> [UInt8]
    /// Starts a clean close (close_notify); returns the bytes to write before closing the socket.
    func close() -> [UInt8]
    /// True once the handshake finished; responses only flow after it.
    var isHandshakeComplete: Bool { get }
    /// True when this transform is TLS, so responses carry `Strict-Transport-Security`.
    var isSecure: Bool { get }
}

/// Makes one `ConnectionSecurity` per accepted connection (for TLS: one `SSL*` from a shared `SSL_CTX`).
public protocol ConnectionSecurityFactory: Sendable {
    func makeSession() throws -> any ConnectionSecurity
}
