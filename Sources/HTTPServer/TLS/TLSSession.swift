import COpenSSL

/// One connection's TLS over two memory BIOs: the event loop feeds ciphertext in and writes out
/// what comes back, so a handshake never blocks the loop and OpenSSL never touches the socket.
final class TLSSession: ConnectionSecurity {
    private let ssl: OpaquePointer
    /// Ciphertext from the socket, read by OpenSSL.
    private let incoming: OpaquePointer
    /// Ciphertext OpenSSL produced, for the socket.
    private let outgoing: OpaquePointer
    /// Keeps the shared context alive as long as a session uses it.
    private let owner: TLSContext
    private(set) var isHandshakeComplete = false
    /// True after the peer sent close_notify.
    private(set) var peerClosed = false
    private var closed = false

    var isSecure: Bool { true }

    init(context: TLSContext) throws {
        ERR_clear_error()
        guard let ssl = SSL_new(context.context) else {
            throw TLSError.fromQueue(.context, "OpenSSL could not create a TLS session")
        }
        guard let incoming = BIO_new(BIO_s_mem()), let outgoing = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw TLSError.fromQueue(.context, "OpenSSL could not create memory buffers for a TLS session")
        }
        // An empty memory BIO reports "retry" instead of EOF, which is what a non-blocking socket means.
        BIO_ctrl(incoming, BIO_C_SET_BUF_MEM_EOF_RETURN, -1, nil)
        BIO_ctrl(outgoing, BIO_C_SET_BUF_MEM_EOF_RETURN, -1, nil)
        SSL_set_bio(ssl, incoming, outgoing)  // the SSL owns both BIOs from here on
        SSL_set_accept_state(ssl)
        self.ssl = ssl
        self.incoming = incoming
        self.outgoing = outgoing
        self.owner = context
    }

    deinit {
        SSL_free(ssl)
    }

    func receive(_ bytes: [UInt8]) throws -> (plaintext: [UInt8], toSend: [UInt8]) {
        ERR_clear_error()
        if !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { BIO_write(incoming, $0.baseAddress, Int32($0.count)) }
            guard written == Int32(bytes.count) else {
                throw TLSError.fromQueue(.io, "could not buffer \(bytes.count) received bytes")
            }
        }
        if !isHandshakeComplete {
            let result = SSL_do_handshake(ssl)
            if result == 1 {
                isHandshakeComplete = true
            } else {
                let error = SSL_get_error(ssl, result)
                if error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE {
                    // Send the alert OpenSSL queued (e.g. protocol_version) before the loop closes.
                    let alert = drainOutgoing()
                    let failure = TLSError.fromQueue(.handshake, "TLS handshake failed (\(Self.describe(error)))")
                    throw TLSHandshakeFailure(error: failure, alert: alert)
                }
                return ([], drainOutgoing())
            }
        }
        let plaintext = try readPlaintext()
        return (plaintext, drainOutgoing())
    }

    func send(_ plaintext: [UInt8]) throws -> [UInt8] {
        guard !plaintext.isEmpty else { return [] }
        guard isHandshakeComplete, !closed else {
            throw TLSError(.io, message: closed ? "send after the TLS session was closed" : "send before the TLS handshake finished")
        }
        ERR_clear_error()
        var output: [UInt8] = []
        try plaintext.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let count = Int32(min(buffer.count - offset, Int(Int32.max)))
                let written = SSL_write(ssl, buffer.baseAddress! + offset, count)
                if written <= 0 {
                    let error = SSL_get_error(ssl, written)
                    throw TLSError.fromQueue(.io, "TLS write failed (\(Self.describe(error)))")
                }
                offset += Int(written)
                // Memory BIOs grow without limit; drain as we go so big bodies are not held twice.
                output += drainOutgoing()
            }
        }
        return output
    }

    func close() -> [UInt8] {
        guard !closed else { return [] }
        closed = true
        guard isHandshakeComplete else { return drainOutgoing() }
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
        _ = TLSError.drainErrorQueue()
        return drainOutgoing()
    }

    /// Reads all the application data the buffered records hold.
    private func readPlaintext() throws -> [UInt8] {
        var plaintext: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            if count > 0 {
                plaintext.append(contentsOf: chunk[0..<Int(count)])
                continue
            }
            let error = SSL_get_error(ssl, count)
            switch error {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                return plaintext
            case SSL_ERROR_ZERO_RETURN:
                peerClosed = true
                return plaintext
            default:
                throw TLSError.fromQueue(.io, "TLS read failed (\(Self.describe(error)))")
            }
        }
    }

    private func drainOutgoing() -> [UInt8] {
        let pending = Int(copenssl_bio_pending(outgoing))
        guard pending > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: pending)
        let read = bytes.withUnsafeMutableBytes { BIO_read(outgoing, $0.baseAddress, Int32(pending)) }
        return read > 0 ? Array(bytes.prefix(Int(read))) : []
    }

    static func describe(_ error: Int32) -> String {
        switch error {
        case SSL_ERROR_SSL: "protocol error"
        case SSL_ERROR_SYSCALL: "unexpected end of stream"
        case SSL_ERROR_ZERO_RETURN: "peer closed the session"
        case SSL_ERROR_WANT_READ: "needs more data"
        case SSL_ERROR_WANT_WRITE: "needs to write"
        default: "OpenSSL error \(error)"
        }
    }
}

/// A failed handshake plus the TLS alert record to send before closing, so the client learns
/// why (e.g. "protocol version") instead of seeing a reset.
public struct TLSHandshakeFailure: Error, CustomStringConvertible {
    public let error: TLSError
    /// Bytes to write to the socket before closing it; may be empty.
    public let alert: [UInt8]
    public var description: String { error.description }
}
