import COpenSSL
import Foundation
@testable import HTTPServer
import Testing

@Suite("TLS configuration errors name the file")
struct TLSConfigurationTests {
    @Test func missingCertificate() throws {
        let fixture = try TLSCertificateFixture()
        defer { fixture.remove() }
        let missing = fixture.directory.appendingPathComponent("nope.pem").path
        let error = #expect(throws: TLSError.self) {
            try TLSContext(configuration: .init(certificatePath: missing, privateKeyPath: fixture.privateKeyPath))
        }
        #expect(error?.kind == .fileNotFound(.certificate, path: missing))
        #expect(error?.description.contains(missing) == true)
        #expect(error?.description.contains("--tls-cert") == true)
    }

    @Test func directoryInsteadOfKey() throws {
        let fixture = try TLSCertificateFixture()
        defer { fixture.remove() }
        let error = #expect(throws: TLSError.self) {
            try TLSContext(configuration: .init(certificatePath: fixture.certificatePath, privateKeyPath: fixture.directory.path))
        }
        #expect(error?.kind == .fileUnreadable(.privateKey, path: fixture.directory.path))
    }

    @Test func keyGivenAsCertificate() throws {
        let fixture = try TLSCertificateFixture()
        defer { fixture.remove() }
        let error = #expect(throws: TLSError.self) {
            try TLSContext(configuration: .init(certificatePath: fixture.privateKeyPath, privateKeyPath: fixture.privateKeyPath))
        }
        #expect(error?.kind == .invalidPEM(.certificate, path: fixture.privateKeyPath))
        #expect(error?.description.contains(fixture.privateKeyPath) == true)
    }

    @Test func certificateGivenAsKey() throws {
        let fixture = try TLSCertificateFixture()
        defer { fixture.remove() }
        let error = #expect(throws: TLSError.self) {
            try TLSContext(configuration: .init(certificatePath: fixture.certificatePath, privateKeyPath: fixture.certificatePath))
        }
        #expect(error?.kind == .invalidPEM(.privateKey, path: fixture.certificatePath))
    }

    @Test func keyOfAnotherCertificate() throws {
        let fixture = try TLSCertificateFixture()
        defer { fixture.remove() }
        let error = #expect(throws: TLSError.self) {
            try TLSContext(configuration: .init(certificatePath: fixture.certificatePath, privateKeyPath: fixture.otherKeyPath))
        }
        #expect(error?.kind == .keyMismatch(certificatePath: fixture.certificatePath, privateKeyPath: fixture.otherKeyPath))
        #expect(error?.description.contains("does not belong") == true)
    }

    @Test func badCipherList() throws {
        let fixture = try TLSCertificateFixture()
        defer { fixture.remove() }
        let error = #expect(throws: TLSError.self) {
            try TLSContext(configuration: .init(certificatePath: fixture.certificatePath, privateKeyPath: fixture.privateKeyPath,
                                                tls12Ciphers: "NOT-A-CIPHER"))
        }
        #expect(error?.kind == .context)
    }

    @Test func rsaCertificateWorks() throws {
        let fixture = try TLSCertificateFixture(keyType: "rsa")
        defer { fixture.remove() }
        let context = try TLSContext(configuration: .init(certificatePath: fixture.certificatePath, privateKeyPath: fixture.privateKeyPath))
        let server = try context.makeSession()
        let client = MemoryTLSClient(maxVersion: copenssl_tls1_2_version())
        try MemoryTLSClient.handshake(client, server)
        #expect(client.cipher.hasPrefix("ECDHE-RSA-"))
    }
}
