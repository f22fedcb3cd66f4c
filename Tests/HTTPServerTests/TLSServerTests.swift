import Foundation
@testable import HTTPServer
import Testing

/// TLS end to end: a live server on port 0 with a certificate made by `openssl req`, checked by
/// independent clients (Python's ssl module and `openssl s_client`).
@Suite("TLS on a live server")
struct TLSServerTests {
    /// Python's ssl client trusting only our certificate; prints the whole response.
    static func pythonGet(port: Int, caFile: String, path: String, maxVersion: String? = nil) async throws -> ExternalProcess.Output {
        let script = """
            import socket, ssl, sys
            ctx = ssl.create_default_context(cafile=sys.argv[2])
            \(maxVersion.map { "ctx.maximum_version = ssl.TLSVersion.\($0)" } ?? "")
            with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10) as raw:
                with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                    s.sendall(("GET " + sys.argv[3] + " HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n").encode())
                    data = b""
                    while True:
                        chunk = s.recv(65536)
                        if not chunk: break
                        data += chunk
                    sys.stderr.write(s.version() + "\\n")
                    sys.stdout.buffer.write(data)
            """
        return try await offPool { try ExternalProcess.run("/usr/bin/env", ["python3", "-c", script, String(port), caFile, path]) }
    }

    @Test func pythonClientVerifiesAndGetsHSTS() async throws {
        let fixture = try TLSCertificateFixture()
        defer { fixture.remove() }
        let folder = try PublicFolder()
        defer { folder.remove() }
        let tls = try TLSContext(configuration: .init(certificatePath: fixture.certificatePath, privateKeyPath: fixture.privateKeyPath))
        let edge = try EdgeServer(publicRoot: folder.root, security: tls)

        let health = try await Self.pythonGet(port: edge.port, caFile: fixture.certificatePath, path: "/healthz")
        #expect(health.status == 0, "\(health.stderr)")
        let response = try RawHTTP.parse(health.stdout)
        #expect(response.status == 200)
        #expect(response.body == Array("ok\n".utf8))
        #expect(response.headers["Strict-Transport-Security"]?.hasPrefix("max-age=") == true)
        #expect(health.stderr.contains("TLSv1.3"))

        // A 20 KB file spans several TLS records.
        let css = try await Self.pythonGet(port: edge.port, caFile: fixture.certificatePath, path: "/style.css", maxVersion: "TLSv1_2")
        #expect(css.status == 0, "\(css.stderr)")
        #expect(try RawHTTP.parse(css.stdout).body == folder.css)
        #expect(css.stderr.contains("TLSv1.2"))
        await edge.server.shutdown()
    }

    @Test func opensslClientAndOldProtocols() async throws {
        let fixture = try TLSCertificateFixture()
        defer { fixture.remove() }
        let folder = try PublicFolder()
        defer { folder.remove() }
        let tls = try TLSContext(configuration: .init(certificatePath: fixture.certificatePath, privateKeyPath: fixture.privateKeyPath))
        let edge = try EdgeServer(publicRoot: folder.root, security: tls)
        let request = Array("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8)

        let ok = try await offPool { try ExternalProcess.run(
            "/usr/bin/env",
            ["openssl", "s_client", "-connect", "127.0.0.1:\(edge.port)", "-CAfile", fixture.certificatePath,
             "-verify_return_error", "-servername", "localhost", "-quiet"], stdin: request) }
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(String(decoding: ok.stdout, as: UTF8.self).hasPrefix("HTTP/1.1 200 OK"))

        let old = try await offPool { try ExternalProcess.run(
            "/usr/bin/env",
            ["openssl", "s_client", "-connect", "127.0.0.1:\(edge.port)", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0", "-quiet"],
            stdin: request) }
        #expect(old.status != 0)
        // The loop sends the handshake's alert before closing, so the client learns why.
        #expect(old.stderr.contains("alert protocol version"), "\(old.stderr)")
        #expect(!String(decoding: old.stdout, as: UTF8.self).contains("HTTP/1.1 200"))

        // Plain HTTP on the TLS port gets no response and does not disturb the server.
        let plain = try? await RawHTTP.exchange(port: edge.port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(plain == nil || plain?.status != 200)
        let again = try await Self.pythonGet(port: edge.port, caFile: fixture.certificatePath, path: "/healthz")
        #expect(again.status == 0)
        await edge.server.shutdown()
    }
}
