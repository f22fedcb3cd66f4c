import Glibc

/// Thin helpers over POSIX sockets: a listening socket, non-blocking accepts and the peer's
/// address. Knows nothing of HTTP.
enum Socket {
    /// Binds and listens on `host:port` (port 0 picks a free one). Returns the descriptor and the bound port.
    /// `reusePort` lets several sockets (one per event loop) listen on one port; the kernel
    /// spreads new connections over them.
    static func listen(host: String, port: Int, backlog: Int32, reusePort: Bool = false) throws -> (fd: Int32, port: Int) {
        let fd = try bound(host: host, port: port, reusePort: reusePort)
        guard Glibc.listen(fd, backlog) == 0 else {
            let error = SocketError("listen")
            close(fd)
            throw error
        }
        return (fd, try boundPort(fd))
    }

    /// Throws when anything is bound to `host:port`. Sockets that share a port with SO_REUSEPORT
    /// admit any other such socket of the same user, so a second server started by mistake on a
    /// port the first one holds would quietly take half its connections; a bind without the
    /// option fails against them, and this is that bind (never listening, so nothing is lost).
    static func checkFree(host: String, port: Int) throws {
        close(try bound(host: host, port: port, reusePort: false))
    }

    private static func bound(host: String, port: Int, reusePort: Bool) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &result)
        guard status == 0, let first = result else {
            throw SocketError("getaddrinfo", errno: EINVAL, detail: "for host '\(host)' (\(String(cString: gai_strerror(status))))")
        }
        defer { freeaddrinfo(result) }
        let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError("socket") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if reusePort { setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, socklen_t(MemoryLayout<Int32>.size)) }
        guard bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            let error = SocketError("bind", detail: "to \(host):\(port)")
            close(fd)
            throw error
        }
        return fd
    }

    static func boundPort(_ fd: Int32) throws -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard ok == 0 else { throw SocketError("getsockname") }
        return addressAndPort(storage).port
    }

    /// Accepts one pending connection, non-blocking. Nil when none is waiting.
    static func accept(_ listener: Int32) -> (fd: Int32, remote: String)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let fd = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.accept(listener, $0, &length)
            }
        }
        guard fd >= 0 else { return nil }
        // accept4 is hidden behind _GNU_SOURCE in Swift's Glibc module, so set the flags after.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let (address, port) = addressAndPort(storage)
        return (fd, "\(address):\(port)")
    }

    static func addressAndPort(_ storage: sockaddr_storage) -> (address: String, port: Int) {
        var storage = storage
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                    var addr = sin.pointee.sin_addr
                    inet_ntop(AF_INET, &addr, &buffer, socklen_t(buffer.count))
                    return (cString(buffer), Int(UInt16(bigEndian: sin.pointee.sin_port)))
                }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                    var addr = sin6.pointee.sin6_addr
                    inet_ntop(AF_INET6, &addr, &buffer, socklen_t(buffer.count))
                    return ("[" + cString(buffer) + "]", Int(UInt16(bigEndian: sin6.pointee.sin6_port)))
                }
            }
        default:
            return ("unknown", 0)
        }
    }
}

func cString(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
