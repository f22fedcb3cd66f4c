import COpenSSL

/// One OpenSSL `SSL_CTX` shared by every connection: the certificate, key and policy are loaded
/// once at start-up, and each accepted connection gets a cheap `SSL*` from it.
///
/// Policy: TLS 1.2 minimum, no TLS compression (CRIME), no renegotiation (a client-driven CPU
/// drain), server cipher preference with forward-secret AEAD suites only, and buffers released
/// while a connection is idle so 10,000 keep-alive clients stay small.
///
/// ```swift
/// let tls = try TLSContext(configuration: .init(certificatePath: "cert.pem", privateKeyPath: "key.pem"))
/// var config = WebServer.Configuration(); config.security = tls
/// ```
public final class TLSContext: ConnectionSecurityFactory, @unchecked Sendable {
    // @unchecked: the SSL_CTX is configured completely in init and only read afterwards;
    // OpenSSL documents SSL_new on a shared, no-longer-modified SSL_CTX as thread-safe.
    let context: OpaquePointer
    public let configuration: TLSConfiguration

    public init(configuration: TLSConfiguration) throws {
        try configuration.checkFilesReadable()
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw TLSError.fromQueue(.context, "OpenSSL could not create a TLS context")
        }
        self.context = context
        self.configuration = configuration
        // A throw from here on still runs deinit (every property is set), which frees the context.
        try configure()
        try loadCredentials()
    }

    deinit {
        SSL_CTX_free(context)
    }

    public func makeSession() throws -> any ConnectionSecurity {
        try TLSSession(context: self)
    }

    /// The negotiated-protocol floor, e.g. `"TLSv1.2"`, for logs.
    public var minimumProtocol: String { "TLSv1.2" }

    private func configure() throws {
        guard copenssl_ctx_set_min_proto_version(context, copenssl_tls1_2_version()) == 1 else {
            throw TLSError.fromQueue(.context, "OpenSSL refused TLS 1.2 as the minimum protocol version")
        }
        _ = copenssl_ctx_set_options(
            context,
            copenssl_op_no_compression() | copenssl_op_no_renegotiation() | copenssl_op_cipher_server_preference()
                | copenssl_op_ignore_unexpected_eof())
        _ = copenssl_ctx_set_mode(context, copenssl_mode_release_buffers())
        _ = copenssl_ctx_set_session_cache_server(context)
        guard SSL_CTX_set_cipher_list(context, configuration.tls12Ciphers) == 1 else {
            throw TLSError.fromQueue(.context, "no usable TLS 1.2 cipher in '\(configuration.tls12Ciphers)'")
        }
    }

    private func loadCredentials() throws {
        let cert = configuration.certificatePath, key = configuration.privateKeyPath
        guard SSL_CTX_use_certificate_chain_file(context, cert) == 1 else {
            throw TLSError.fromQueue(
                .invalidPEM(.certificate, path: cert),
                "the TLS certificate file '\(cert)' does not hold a PEM certificate (expected '-----BEGIN CERTIFICATE-----'); check --tls-cert points at the certificate, not the key")
        }
        guard SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) == 1 else {
            let reasons = TLSError.drainErrorQueue()
            // OpenSSL checks the key against the loaded certificate while loading it.
            if reasons.contains(where: { $0.contains("key values mismatch") }) {
                throw Self.mismatch(cert, key, reasons)
            }
            throw TLSError(
                .invalidPEM(.privateKey, path: key),
                message: "the TLS private key file '\(key)' does not hold an unencrypted PEM private key; check --tls-key points at the key, and remove any passphrase",
                openSSLErrors: reasons)
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw Self.mismatch(cert, key, TLSError.drainErrorQueue())
        }
    }

    private static func mismatch(_ cert: String, _ key: String, _ reasons: [String]) -> TLSError {
        TLSError(
            .keyMismatch(certificatePath: cert, privateKeyPath: key),
            message: "the private key '\(key)' does not belong to the certificate '\(cert)'; pass the key the certificate was issued for",
            openSSLErrors: reasons)
    }
}
