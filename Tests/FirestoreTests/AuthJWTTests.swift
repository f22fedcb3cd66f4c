import Foundation
import Testing
@testable import Firestore

/// The JWT's RS256 signature is checked by an independent implementation: the `openssl` command
/// line, with the public half of a key generated for this test.
@Suite struct AuthJWTTests {
    private func verifyWithOpenSSL(signingInput: String, signature: Data, publicKeyPath: String, in directory: URL) throws -> Bool {
        let inputURL = directory.appendingPathComponent("input-\(UUID().uuidString).txt")
        let signatureURL = directory.appendingPathComponent("sig-\(UUID().uuidString).bin")
        try Data(signingInput.utf8).write(to: inputURL)
        try signature.write(to: signatureURL)
        let result = try runOpenSSL(
            ["dgst", "-sha256", "-verify", publicKeyPath, "-signature", signatureURL.path, inputURL.path], allowFailure: true)
        return result.status == 0 && result.output.contains("Verified OK")
    }

    @Test func assertionSignatureVerifiesWithOpenSSLCommandLine() throws {
        let account = try TestServiceAccount(tokenURI: "https://oauth2.example.test/token")
        defer { account.remove() }
        let key = try ServiceAccountKey.load(path: account.keyFilePath)
        let jwt = try key.signedAssertion(scopes: ServiceAccountTokenProvider.defaultScopes, now: Date(timeIntervalSince1970: 1_790_000_000))

        let parts = jwt.split(separator: ".")
        #expect(parts.count == 3)
        let signingInput = "\(parts[0]).\(parts[1])"
        let signature = try #require(base64URLDecode(parts[2]))
        #expect(signature.count == 256, "a 2048-bit RSA signature is 256 bytes")
        #expect(try verifyWithOpenSSL(
            signingInput: signingInput, signature: signature, publicKeyPath: account.publicKeyPath, in: account.directory))

        // The same signature over a changed claim must not verify: the check above can fail.
        var tampered = Array(signingInput)
        tampered[tampered.count - 2] = tampered[tampered.count - 2] == "A" ? "B" : "A"
        #expect(String(tampered) != signingInput)
        #expect(try !verifyWithOpenSSL(
            signingInput: String(tampered), signature: signature, publicKeyPath: account.publicKeyPath, in: account.directory))
    }

    @Test func assertionHeaderAndClaimsFollowTheJWTBearerGrant() throws {
        let account = try TestServiceAccount(tokenURI: "https://oauth2.example.test/token")
        defer { account.remove() }
        let key = try ServiceAccountKey.load(path: account.keyFilePath)
        let parts = try key.signedAssertion(scopes: ["scope-a", "scope-b"], now: Date(timeIntervalSince1970: 1_790_000_000.7))
            .split(separator: ".")

        let headerData = try #require(base64URLDecode(parts[0]))
        let header = try #require(JSONSerialization.jsonObject(with: headerData) as? [String: Any])
        #expect(header["alg"] as? String == "RS256")
        #expect(header["typ"] as? String == "JWT")
        #expect(header["kid"] as? String == "0123456789abcdef")

        let claimsData = try #require(base64URLDecode(parts[1]))
        let claims = try #require(JSONSerialization.jsonObject(with: claimsData) as? [String: Any])
        #expect(claims["iss"] as? String == account.clientEmail)
        #expect(claims["aud"] as? String == "https://oauth2.example.test/token")
        #expect(claims["scope"] as? String == "scope-a scope-b")
        #expect(claims["iat"] as? Int == 1_790_000_000)
        #expect(claims["exp"] as? Int == 1_790_003_600)
        #expect(!parts.joined().contains("="), "JWT segments are unpadded base64url")
    }

    @Test func anotherKeysPublicHalfRejectsTheSignature() throws {
        let first = try TestServiceAccount(tokenURI: "https://oauth2.example.test/token")
        let second = try TestServiceAccount(tokenURI: "https://oauth2.example.test/token")
        defer { first.remove(); second.remove() }
        let parts = try ServiceAccountKey.load(path: first.keyFilePath)
            .signedAssertion(scopes: ["s"], now: Date()).split(separator: ".")
        let signature = try #require(base64URLDecode(parts[2]))
        #expect(try !verifyWithOpenSSL(
            signingInput: "\(parts[0]).\(parts[1])", signature: signature,
            publicKeyPath: second.publicKeyPath, in: second.directory))
    }
}
