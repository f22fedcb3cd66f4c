import Foundation

/// Where the server's certificate and key live. Paths, not bytes, so `runbook serve --tls-cert`
/// can name the file in every error and an operator knows which one to fix.
public struct TLSConfiguration: Sendable, Equatable {
    /// PEM file with the server certificate first, then any intermediates (the chain clients need).
    public var certificatePath: String
    /// PEM file with the private key matching the certificate (unencrypted: the server has no one to ask for a passphrase).
    public var privateKeyPath: String
    /// Cipher list for TLS 1.2 (TLS 1.3 suites are all strong and left to OpenSSL).
    /// Forward secrecy and AEAD only: ECDHE with AES-GCM or ChaCha20-Poly1305.
    public var tls12Ciphers: String

    public static let defaultTLS12Ciphers =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
        + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

    public init(certificatePath: String, privateKeyPath: String, tls12Ciphers: String = TLSConfiguration.defaultTLS12Ciphers) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
        self.tls12Ciphers = tls12Ciphers
    }

    /// Checks both files exist and are readable, so start-up fails with the file's name rather
    /// than an OpenSSL error code.
    func checkFilesReadable() throws {
        for (path, role) in [(certificatePath, TLSError.FileRole.certificate), (privateKeyPath, .privateKey)] {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw TLSError(.fileNotFound(role, path: path),
                               message: "the TLS \(role.rawValue) file '\(path)' does not exist; pass an existing PEM file with --tls-\(role.flag)")
            }
            guard !isDirectory.boolValue else {
                throw TLSError(.fileUnreadable(role, path: path),
                               message: "the TLS \(role.rawValue) path '\(path)' is a directory; pass the PEM file itself with --tls-\(role.flag)")
            }
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw TLSError(.fileUnreadable(role, path: path),
                               message: "the TLS \(role.rawValue) file '\(path)' is not readable by this user; fix its permissions")
            }
        }
    }
}
