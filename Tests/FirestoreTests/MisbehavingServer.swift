import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real loopback HTTP server that answers badly on purpose, to check that the transport turns
/// every kind of bad answer into a clear error: not JSON, cut off mid-body, never answering, or
/// failing a given number of times before answering.
final class MisbehavingServer: @unchecked Sendable {
    enum Behaviour: Sendable {
        /// A full response written as is (status line, headers, body).
        case raw(String)
        /// Headers promising `promised` bytes, then `body` (shorter), then the connection closes.
        case truncated(body: String, promised: Int)
        /// Reads the request and never answers.
        case silent
        /// The first `failures` requests get `failure`, later ones `success`.
        case failThenSucceed(failures: Int, failure: String, success: String)
    }

    let port: Int
    private let listener: Int32
    private let behaviour: Behaviour
    private let lock = NSLock()
    private var requests = 0
    private var open: [Int32] = []

    var requestCount: Int { lock.withLock { requests } }
    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    init(_ behaviour: Behaviour) throws {
        self.behaviour = behaviour
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let fd = listener
        guard withUnsafePointer(to: &address, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }) == 0,
            listen(fd, 16) == 0,
            withUnsafeMutablePointer(to: &address, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }) == 0
        else { throw POSIXError(.EADDRINUSE) }
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Wakes the accept loop and the connections; each closes its own descriptor, so no number is
    /// closed here that another test's socket might already reuse.
    func stop() {
        lock.withLock {
            stopped = true
            shutdown(listener, Int32(SHUT_RDWR))
            for fd in open { shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    private var stopped = false

    private func acceptLoop() {
        defer { close(listener) }
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            if lock.withLock({ stopped }) { close(client); return }
            lock.withLock { open.append(client) }
            Thread.detachNewThread { [self] in serve(client) }
        }
    }

    private func serve(_ fd: Int32) {
        defer {
            lock.withLock {
                open.removeAll { $0 == fd }
                close(fd)
            }
        }
        guard readRequest(fd) else { return }
        let number = lock.withLock { requests += 1; return requests }
        switch behaviour {
        case .raw(let response):
            write(fd, response)
        case .truncated(let body, let promised):
            write(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(promised)\r\n\r\n" + body)
        case .silent:
            var byte: UInt8 = 0
            _ = recv(fd, &byte, 1, 0)  // until the client gives up or the server stops
        case .failThenSucceed(let failures, let failure, let success):
            write(fd, number <= failures ? failure : success)
        }
    }

    /// Reads headers and a Content-Length body; false when the client went away.
    private func readRequest(_ fd: Int32) -> Bool {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return false }
            data += buffer[0..<n]
            let text = String(decoding: data, as: UTF8.self)
            guard let end = text.range(of: "\r\n\r\n") else { continue }
            let head = text[..<end.lowerBound].lowercased()
            let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            if text.utf8.count - text.utf8.distance(from: text.startIndex, to: end.upperBound) >= length { return true }
        }
    }

    private func write(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }

    static func response(status: String, contentType: String = "application/json", body: String) -> String {
        "HTTP/1.1 \(status)\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
    }
}
