import Foundation
import Glibc
@testable import HTTPServer

/// A blocking loopback client that speaks raw bytes, so tests can send exactly what a broken or
/// hostile client would, and read back exactly what the server wrote.
final class RawClient: @unchecked Sendable {
    let fd: Int32
    private var buffer: [UInt8] = []

    struct Response: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    init(port: Int, receiveTimeout: Double = 5) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw Failure(description: "connect to port \(port) failed: errno \(errno)")
        }
        setTimeout(receiveTimeout)
    }

    func setTimeout(_ seconds: Double) {
        var timeout = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Sets a small receive buffer so a client that does not read fills up quickly.
    func shrinkReceiveBuffer() {
        var size: Int32 = 4096
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(fd) }

    func sendSync(_ text: String) throws { try sendSync(Array(text.utf8)) }

    func sendSync(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "write failed: errno \(errno)") }
            offset += n
        }
    }

    /// Reads more bytes; false on EOF. Throws on timeout.
    @discardableResult
    func fillSync() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n > 0 {
            buffer.append(contentsOf: chunk[0..<n])
            return true
        }
        if n == 0 { return false }
        if errno == ECONNRESET { return false }
        throw Failure(description: "read timed out or failed: errno \(errno)")
    }

    /// Reads until the peer closes; returns everything not consumed yet.
    func readToEndSync() throws -> [UInt8] {
        while try fillSync() {}
        defer { buffer = [] }
        return buffer
    }

    /// True when the server closed the connection (EOF) within the receive timeout.
    func isClosedByPeerSync() -> Bool {
        (try? fillSync()) == false
    }

    func readLineSync() throws -> String {
        while true {
            if let lf = buffer.firstIndex(of: 10) {
                let line = buffer[..<lf]
                buffer.removeSubrange(...lf)
                return String(decoding: line.last == 13 ? line.dropLast() : line, as: UTF8.self)
            }
            guard try fillSync() else { throw Failure(description: "connection closed mid-line") }
        }
    }

    func readExactlySync(_ count: Int) throws -> [UInt8] {
        while buffer.count < count {
            guard try fillSync() else { throw Failure(description: "connection closed mid-body") }
        }
        let out = Array(buffer[..<count])
        buffer.removeSubrange(..<count)
        return out
    }

    /// Reads one response. `bodyless` for answers to HEAD.
    func readResponseSync(bodyless: Bool = false) throws -> Response {
        let statusLine = try readLineSync()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else { throw Failure(description: "bad status line '\(statusLine)'") }
        var headers = HTTPHeaders()
        while true {
            let line = try readLineSync()
            if line.isEmpty { break }
            let colon = line.firstIndex(of: ":")!
            headers.add(name: String(line[..<colon]), value: String(line[line.index(after: colon)...].drop { $0 == " " }))
        }
        if status == 100 || bodyless || status == 204 || status == 304 { return Response(status: status, headers: headers, body: []) }
        if headers["Transfer-Encoding"] == "chunked" {
            var body: [UInt8] = []
            while true {
                let size = Int(try readLineSync(), radix: 16)!
                if size == 0 {
                    _ = try readLineSync()
                    break
                }
                body += try readExactlySync(size)
                _ = try readLineSync()
            }
            return Response(status: status, headers: headers, body: body)
        }
        if let length = headers["Content-Length"].flatMap(Int.init) {
            return Response(status: status, headers: headers, body: try readExactlySync(length))
        }
        return Response(status: status, headers: headers, body: try readToEndSync())
    }

    /// Sends a request and reads its response.
    func requestSync(_ text: String) throws -> Response {
        try sendSync(text)
        return try readResponseSync(bodyless: text.hasPrefix("HEAD "))
    }

    /// Reads one SSE event block (lines up to a blank line), skipping chunk framing lines.
    func readEventBlockSync(chunked: Bool = true) throws -> [String] {
        var lines: [String] = []
        while true {
            let line = try readLineSync()
            if chunked && lines.isEmpty && line.isEmpty { continue }
            if chunked && isChunkSizeLine(line) && lines.isEmpty { continue }
            if line.isEmpty { return lines }
            lines.append(line)
        }
    }

    private func isChunkSizeLine(_ line: String) -> Bool {
        !line.isEmpty && !line.contains(":") && line.allSatisfy(\.isHexDigit)
    }

    // Async faces: blocking reads run on a Dispatch thread, never on the cooperative pool the
    // server's handler tasks need (two cores give that pool only two threads).
    static let queue = DispatchQueue(label: "raw-client", attributes: .concurrent)

    func offload<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            RawClient.queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    func send(_ text: String) async throws { try await offload { try self.sendSync(text) } }
    func send(_ bytes: [UInt8]) async throws { try await offload { try self.sendSync(bytes) } }
    @discardableResult
    func fill() async throws -> Bool { try await offload { try self.fillSync() } }
    func readResponse(bodyless: Bool = false) async throws -> Response { try await offload { try self.readResponseSync(bodyless: bodyless) } }
    func request(_ text: String) async throws -> Response { try await offload { try self.requestSync(text) } }
    func readEventBlock() async throws -> [String] { try await offload { try self.readEventBlockSync() } }
    func isClosedByPeer() async -> Bool { (try? await offload { self.isClosedByPeerSync() }) ?? false }
}
