import Foundation
import Gzip
import HTTPServer
import Logging
import Testing

/// Runs blocking work (a socket read, a helper process) on its own thread, so it never occupies
/// one of the few cooperative threads the server's handlers need to answer it.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// A blocking loopback client that sends raw bytes and reads until the server closes, so tests see
/// exactly what went over the wire (no client-side path normalisation, no automatic gunzip).
enum RawHTTP {
    struct Response {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
    }

    static func exchange(port: Int, _ request: String) async throws -> Response {
        try parse(await offPool { try exchangeBytes(port: port, request) })
    }

    static func exchangeBytes(port: Int, _ request: String) throws -> [UInt8] {
        // A peer that closes early must not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        let bytes = Array(request.utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            received += chunk[0..<n]
        }
        return received
    }

    static func parse(_ bytes: [UInt8]) throws -> Response {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, bytes.count - 3)).first(where: { Array(bytes[$0..<$0 + 4]) == separator }) else {
            throw POSIXError(.EBADMSG)
        }
        let head = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(head[0].split(separator: " ")[1]) ?? 0
        var headers = HTTPHeaders()
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(name: String(line[..<colon]), value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return Response(status: status, headers: headers, body: Array(bytes[(end + 4)...]))
    }
}

/// A live server on port 0 with the edge parts wired as `runbook serve` wires them.
struct EdgeServer {
    let server: WebServer
    var port: Int { server.port }

    init(publicRoot: String, security: (any ConnectionSecurityFactory)? = nil) throws {
        var routes = RouterBuilder()
        routes.add(middleware: CompressionMiddleware())
        routes.get("/healthz") { _, _ in .text("ok\n") }
        routes.get("/report") { _, _ in .json(CompressionMiddlewareTests.json) }
        routes.setFallback(try StaticFileResponder(root: publicRoot))
        var configuration = WebServer.Configuration(port: 0, security: security, logger: Logger(label: "edge-test"))
        configuration.shutdownGracePeriod = 2
        server = try WebServer(configuration: configuration, responder: routes.build())
        server.start()
    }
}

@Suite("Static files and gzip over a live socket")
struct StaticFileServerTests {
    @Test func getHeadAnd304OverTheWire() async throws {
        let folder = try PublicFolder()
        defer { folder.remove() }
        let edge = try EdgeServer(publicRoot: folder.root)
        let get = try await RawHTTP.exchange(port: edge.port, "GET /style.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(get.status == 200)
        #expect(get.body == folder.css)
        #expect(get.headers["Content-Length"] == String(folder.css.count))
        let head = try await RawHTTP.exchange(port: edge.port, "HEAD /style.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.headers["Content-Length"] == String(folder.css.count))
        #expect(head.headers["ETag"] == get.headers["ETag"])
        let etag = try #require(get.headers["ETag"])
        let cached = try await RawHTTP.exchange(port: edge.port, "GET /style.css HTTP/1.1\r\nHost: x\r\nIf-None-Match: \(etag)\r\nConnection: close\r\n\r\n")
        #expect(cached.status == 304)
        #expect(cached.body.isEmpty)
        await edge.server.shutdown()
    }

    @Test func traversalOverTheWireIs404() async throws {
        let folder = try PublicFolder()
        defer { folder.remove() }
        let edge = try EdgeServer(publicRoot: folder.root)
        for target in ["/../secret.txt", "/%2e%2e/secret.txt", "/%2e%2e%2fsecret.txt", "/link-out.txt", "/a%00.css"] {
            let response = try await RawHTTP.exchange(port: edge.port, "GET \(target) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(response.status == 404, "\(target)")
            #expect(!String(decoding: response.body, as: UTF8.self).contains("SECRET"))
        }
        await edge.server.shutdown()
    }

    @Test func gzipBodiesDecodeWithPython() async throws {
        let folder = try PublicFolder()
        defer { folder.remove() }
        let edge = try EdgeServer(publicRoot: folder.root)
        for (target, expected) in [("/style.css", folder.css), ("/report", CompressionMiddlewareTests.json)] {
            let response = try await RawHTTP.exchange(
                port: edge.port, "GET \(target) HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip, br\r\nConnection: close\r\n\r\n")
            #expect(response.headers["Content-Encoding"] == "gzip")
            #expect(response.headers["Vary"] == "Accept-Encoding")
            #expect(response.headers["Content-Length"] == String(response.body.count))
            let script = "import gzip,sys; sys.stdout.buffer.write(gzip.decompress(sys.stdin.buffer.read()))"
            let body = response.body
            let decoded = try await offPool { try ExternalProcess.run("/usr/bin/env", ["python3", "-c", script], stdin: body) }
            #expect(decoded.status == 0)
            #expect(decoded.stdout == expected)
        }
        let refused = try await RawHTTP.exchange(port: edge.port, "GET /report HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip;q=0\r\nConnection: close\r\n\r\n")
        #expect(refused.headers["Content-Encoding"] == nil)
        #expect(refused.body == CompressionMiddlewareTests.json)
        await edge.server.shutdown()
    }
}

