import COpenSSL
import Foundation

/// Signs bytes with RSASSA-PKCS1-v1_5 over SHA-256 (JWT's `RS256`) using the system libcrypto.
///
/// The parsed key stays inside OpenSSL; the PEM text is not kept. Signing creates its own
/// digest context per call, so one signer can be shared by concurrent token refreshes.
final class RS256Signer: @unchecked Sendable {
    private let key: OpaquePointer

    /// Parses a PEM private key (`-----BEGIN PRIVATE KEY-----`, PKCS#8, as Google's JSON keys hold).
    /// - Parameter source: names the key in errors (a file path), never the key text.
    init(pem: String, source: String) throws {
        var bytes = Array(pem.utf8)
        let parsed: OpaquePointer? = bytes.withUnsafeMutableBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
        // Wipe our copy of the PEM bytes; OpenSSL holds the key from here on.
        for index in bytes.indices { bytes[index] = 0 }
        guard let parsed else {
            ERR_clear_error()
            throw CredentialsError(
                source: source,
                problem: "private_key is not a PEM private key OpenSSL can read; download a new JSON key for the service account")
        }
        guard EVP_PKEY_get_base_id(parsed) == EVP_PKEY_RSA else {
            EVP_PKEY_free(parsed)
            throw CredentialsError(source: source, problem: "private_key is not an RSA key; Google service-account keys are RSA")
        }
        key = parsed
    }

    deinit { EVP_PKEY_free(key) }

    /// The raw signature (256 bytes for a 2048-bit key).
    func sign(_ message: [UInt8]) throws -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw signingFailure("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key) == 1 else {
            throw signingFailure("EVP_DigestSignInit")
        }
        var length = 0
        guard message.withUnsafeBufferPointer({ EVP_DigestSign(context, nil, &length, $0.baseAddress, $0.count) }) == 1 else {
            throw signingFailure("EVP_DigestSign (length)")
        }
        var signature = [UInt8](repeating: 0, count: length)
        let status = signature.withUnsafeMutableBufferPointer { out in
            message.withUnsafeBufferPointer { EVP_DigestSign(context, out.baseAddress, &length, $0.baseAddress, $0.count) }
        }
        guard status == 1 else { throw signingFailure("EVP_DigestSign") }
        return Array(signature.prefix(length))
    }

    private func signingFailure(_ call: String) -> CredentialsError {
        let code = ERR_get_error()
        ERR_clear_error()
        return CredentialsError(source: "OpenSSL", problem: "\(call) failed (error \(code)) while signing the token request")
    }
}

extension Data {
    /// Base64url without padding, as JWT segments are written (RFC 7515 §2).
    var jwtBase64URL: String {
        base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
