import COpenSSL
import Foundation
@testable import HTTPServer
import Testing

/// A TLS client over memory BIOs: lets the server session be tested without sockets, by pumping
/// records between the two in memory.
final class MemoryTLSClient {
    let context: OpaquePointer
    let ssl: OpaquePointer
    let incoming: OpaquePointer
    let outgoing: OpaquePointer

    init(maxVersion: Int32? = nil, ciphers: String? = nil) {
        context = SSL_CTX_new(TLS_client_method())!
        _ = copenssl_ctx_set_min_proto_version(context, 0)
        if let maxVersion { _ = copenssl_ctx_set_max_proto_version(context, maxVersion) }
        if let ciphers { SSL_CTX_set_cipher_list(context, ciphers) }
        // Let an old-protocol client really offer TLS 1.1 (Debian's default security level forbids it).
        SSL_CTX_set_security_level(context, 0)
        ssl = SSL_new(context)!
        incoming = BIO_new(BIO_s_mem())!
        outgoing = BIO_new(BIO_s_mem())!
        SSL_set_bio(ssl, incoming, outgoing)
        _ = copenssl_set_tlsext_host_name(ssl, "localhost")
        SSL_set_connect_state(ssl)
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
    }

    /// Drives the client side once; returns the records it wants to send.
    func step() -> [UInt8] {
        _ = SSL_do_handshake(ssl)
        return drain()
    }

    func feed(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        _ = bytes.withUnsafeBytes { BIO_write(incoming, $0.baseAddress, Int32($0.count)) }
    }

    func write(_ bytes: [UInt8]) -> [UInt8] {
        _ = bytes.withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
        return drain()
    }

    /// Reads whatever plaintext is buffered; `closed` is true once close_notify arrived.
    func read() -> (bytes: [UInt8], closed: Bool) {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = chunk.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            if n > 0 { out += chunk[0..<Int(n)]; continue }
            return (out, SSL_get_error(ssl, n) == SSL_ERROR_ZERO_RETURN)
        }
    }

    func shutdown() -> [UInt8] {
        _ = SSL_shutdown(ssl)
        return drain()
    }

    var isHandshakeDone: Bool { SSL_is_init_finished(ssl) == 1 }
    var version: String { String(cString: SSL_get_version(ssl)) }
    var cipher: String { String(cString: SSL_CIPHER_get_name(SSL_get_current_cipher(ssl))) }

    private func drain() -> [UInt8] {
        let pending = Int(copenssl_bio_pending(outgoing))
        guard pending > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: pending)
        let n = bytes.withUnsafeMutableBytes { BIO_read(outgoing, $0.baseAddress, Int32(pending)) }
        return Array(bytes.prefix(Int(max(n, 0))))
    }

    /// Pumps records until both sides finished the handshake (or a side stopped producing).
    static func handshake(_ client: MemoryTLSClient, _ server: any ConnectionSecurity) throws {
        var toServer = client.step()
        for _ in 0..<10 {
            let (plaintext, toClient) = try server.receive(toServer)
            #expect(plaintext.isEmpty)
            client.feed(toClient)
            toServer = client.step()
            if client.isHandshakeDone && server.isHandshakeComplete && toServer.isEmpty { return }
        }
        if !toServer.isEmpty { _ = try server.receive(toServer) }
    }
}

@Suite("TLS sessions over memory BIOs")
struct TLSSessionTests {
    let fixture: TLSCertificateFixture
    let context: TLSContext

    init() throws {
        fixture = try TLSCertificateFixture()
        context = try TLSContext(configuration: .init(certificatePath: fixture.certificatePath, privateKeyPath: fixture.privateKeyPath))
    }

    @Test func handshakeThenDataBothWays() throws {
        defer { fixture.remove() }
        let server = try context.makeSession()
        let client = MemoryTLSClient()
        #expect(!server.isHandshakeComplete)
        #expect(server.isSecure)
        try MemoryTLSClient.handshake(client, server)
        #expect(server.isHandshakeComplete)
        #expect(client.version == "TLSv1.3")

        let request = Array("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8)
        let records = client.write(request)
        #expect(!records.isEmpty)
        #expect(records != request)  // encrypted on the wire
        let (plaintext, _) = try server.receive(records)
        #expect(plaintext == request)

        let body = GzipTests.sample(1_000_000, seed: 5)  // many records
        client.feed(try server.send(body))
        #expect(client.read().bytes == body)
    }

    @Test func handshakeSurvivesOneByteAtATime() throws {
        defer { fixture.remove() }
        let server = try context.makeSession()
        let client = MemoryTLSClient()
        var toServer = client.step()
        for _ in 0..<10 where !(client.isHandshakeDone && server.isHandshakeComplete) {
            var toClient: [UInt8] = []
            for byte in toServer { toClient += try server.receive([byte]).toSend }
            client.feed(toClient)
            toServer = client.step()
        }
        #expect(client.isHandshakeDone && server.isHandshakeComplete)
    }

    @Test func tls12UsesAForwardSecretAEADCipher() throws {
        defer { fixture.remove() }
        let server = try context.makeSession()
        let client = MemoryTLSClient(maxVersion: copenssl_tls1_2_version())
        try MemoryTLSClient.handshake(client, server)
        #expect(client.version == "TLSv1.2")
        #expect(client.cipher.hasPrefix("ECDHE-"))
        #expect(client.cipher.contains("GCM") || client.cipher.contains("CHACHA20"))
    }

    @Test func tls12WithOnlyWeakCiphersIsRefused() throws {
        defer { fixture.remove() }
        let server = try context.makeSession()
        let client = MemoryTLSClient(maxVersion: copenssl_tls1_2_version(), ciphers: "AES128-SHA:DES-CBC3-SHA")
        let failure = #expect(throws: TLSHandshakeFailure.self) { try MemoryTLSClient.handshake(client, server) }
        #expect(failure?.error.kind == .handshake)
        #expect(failure?.error.openSSLErrors.joined().contains("no shared cipher") == true)
    }

    @Test func tls11IsRefusedWithAnAlert() throws {
        defer { fixture.remove() }
        let server = try context.makeSession()
        let client = MemoryTLSClient(maxVersion: copenssl_tls1_1_version())
        let failure = #expect(throws: TLSHandshakeFailure.self) { try MemoryTLSClient.handshake(client, server) }
        #expect(failure?.error.openSSLErrors.joined().contains("unsupported protocol") == true)
        // An alert record (content type 21) goes back so the client learns why.
        #expect(failure?.alert.first == 21)
        #expect(!server.isHandshakeComplete)
    }

    @Test func plainHTTPOnTheTLSPortFails() throws {
        defer { fixture.remove() }
        let server = try context.makeSession()
        #expect(throws: TLSHandshakeFailure.self) {
            _ = try server.receive(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        }
    }

    @Test func closeSendsCloseNotifyAndPeerCloseIsSeen() throws {
        defer { fixture.remove() }
        let server = try context.makeSession()
        let client = MemoryTLSClient()
        try MemoryTLSClient.handshake(client, server)
        client.feed(try server.send(Array("bye".utf8)))
        client.feed(server.close())
        let read = client.read()
        #expect(read.bytes == Array("bye".utf8))
        #expect(read.closed)
        #expect(server.close().isEmpty)  // idempotent
        #expect(throws: TLSError.self) { try server.send([1]) }

        let second = try context.makeSession() as! TLSSession
        let client2 = MemoryTLSClient()
        try MemoryTLSClient.handshake(client2, second)
        _ = try second.receive(client2.shutdown())
        #expect(second.peerClosed)
    }

    @Test func sendBeforeHandshakeIsAnError() throws {
        defer { fixture.remove() }
        let server = try context.makeSession()
        #expect(throws: TLSError.self) { try server.send(Array("early".utf8)) }
    }

    @Test func contextRefusesCompressionAndRenegotiation() throws {
        defer { fixture.remove() }
        let options = SSL_CTX_get_options(context.context)
        #expect(options & copenssl_op_no_compression() != 0)
        #expect(options & copenssl_op_no_renegotiation() != 0)
        #expect(options & copenssl_op_cipher_server_preference() != 0)
        #expect(copenssl_ctx_get_min_proto_version(context.context) == Int(copenssl_tls1_2_version()))
    }
}
