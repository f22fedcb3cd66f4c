import Foundation
import Testing

/// A self-signed certificate made by `openssl req` at test time, in a fresh folder per use.
struct TLSCertificateFixture {
    let directory: URL
    var certificatePath: String { directory.appendingPathComponent("cert.pem").path }
    var privateKeyPath: String { directory.appendingPathComponent("key.pem").path }
    /// A second key that does not match the certificate.
    var otherKeyPath: String { directory.appendingPathComponent("other-key.pem").path }

    init(keyType: String = "ec") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let keySpec = keyType == "rsa" ? ["-newkey", "rsa:2048"] : ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
        let req = try ExternalProcess.run(
            "/usr/bin/env",
            ["openssl", "req", "-x509"] + keySpec + [
                "-nodes", "-keyout", privateKeyPath, "-out", certificatePath, "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            ])
        guard req.status == 0 else { throw FixtureError(message: "openssl req failed: \(req.stderr)") }
        let other = try ExternalProcess.run(
            "/usr/bin/env", ["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", otherKeyPath])
        guard other.status == 0 else { throw FixtureError(message: "openssl genpkey failed: \(other.stderr)") }
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    struct FixtureError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}

@Suite("TLS certificate fixture")
struct TLSCertificateFixtureTests {
    @Test func opensslProducesAPEMPair() throws {
        let fixture = try TLSCertificateFixture()
        defer { fixture.remove() }
        let cert = try String(contentsOfFile: fixture.certificatePath, encoding: .utf8)
        let key = try String(contentsOfFile: fixture.privateKeyPath, encoding: .utf8)
        #expect(cert.hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(key.contains("PRIVATE KEY-----"))
    }
}
