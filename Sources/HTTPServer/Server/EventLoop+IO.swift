import CEpoll
import Glibc

extension EventLoop {
    static let overloadedResponse = Array(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 37\r\nRetry-After: 1\r\nConnection: close\r\n\r\nToo many open connections; try again.\n".utf8)

    func acceptConnections(now: UInt64) {
        for _ in 0..<256 {
            guard listenfd >= 0, let (fd, remote) = Socket.accept(listenfd) else { return }
            if draining || !openConnections.admit(limit: configuration.maxConnections) {
                // Best effort: a fresh socket's send buffer takes these few bytes without blocking.
                _ = EventLoop.overloadedResponse.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                shutdown(fd, Int32(SHUT_WR))
                close(fd)
                continue
            }
            var security: (any ConnectionSecurity)?
            if let factory = configuration.security {
                do {
                    security = try factory.makeSession()
                } catch {
                    logger.error("could not start a TLS session: \(error)")
                    openConnections.release()
                    close(fd)
                    continue
                }
            }
            let id = nextID
            nextID += 1
            let lifecycle = ConnectionLifecycle(limits: configuration.limits, timeouts: configuration.timeouts, now: now)
            let connection = Connection(id: id, fd: fd, remote: remote, lifecycle: lifecycle, security: security)
            connections[id] = connection
            register(fd, token: id, events: EPOLLIN.rawValue)
        }
    }

    func readable(_ connection: Connection, now: UInt64) {
        for _ in 0..<4 {
            let count = read(connection.fd, readBuffer.baseAddress, readBuffer.count)
            if count > 0 && connection.lingerUntil != nil { continue }  // discard what follows an error
            if count > 0 {
                let bytes = UnsafeRawBufferPointer(rebasing: readBuffer[0..<count])
                if let security = connection.security {
                    let result: (plaintext: [UInt8], toSend: [UInt8])
                    do {
                        result = try security.receive(Array(bytes))
                    } catch {
                        logger.debug("TLS error from \(connection.remote): \(error)")
                        // Tell the client why (protocol_version, handshake_failure) before closing:
                        // an alert is a few bytes, so one best-effort send is enough.
                        if let failure = error as? TLSHandshakeFailure, !failure.alert.isEmpty {
                            _ = failure.alert.withUnsafeBytes {
                                Glibc.send(connection.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                            }
                        }
                        closeNow(connection)
                        return
                    }
                    if !result.toSend.isEmpty { queueRaw(connection, result.toSend) }
                    if !result.plaintext.isEmpty {
                        apply(connection.lifecycle.received(result.plaintext, now: now), to: connection, now: now)
                    }
                } else {
                    apply(connection.lifecycle.received(bytes, now: now), to: connection, now: now)
                }
                if connection.isClosed { return }
                if count < readBuffer.count { break }
            } else if count == 0 {
                if connection.lingerUntil != nil {
                    closeNow(connection)
                    return
                }
                connection.readClosed = true
                updateInterest(connection)
                if connection.stream != nil {
                    // A streaming client that hangs up is gone; nothing is left to answer.
                    closeNow(connection)
                } else {
                    apply(connection.lifecycle.endOfInput(now: now), to: connection, now: now)
                }
                return
            } else {
                let error = errno
                if error == EAGAIN || error == EWOULDBLOCK || error == EINTR { break }
                closeNow(connection)
                return
            }
        }
        if !connection.isClosed && connection.pendingOutput > 0 { flush(connection) }
    }

    func apply(_ actions: [ConnectionLifecycle.Action], to connection: Connection, now: UInt64) {
        for action in actions {
            guard !connection.isClosed else { return }
            switch action {
            case .dispatch(let request, let keepAlive):
                dispatch(request, keepAlive: keepAlive, on: connection)
            case .write(let bytes):
                send(connection, bytes)
            case .writeAndClose(let bytes):
                send(connection, bytes)
                closeAfterFlush(connection)
            case .close:
                closeAfterFlush(connection)
            }
        }
    }

    /// Queues application bytes (encrypting under TLS) and tries to write them at once.
    func send(_ connection: Connection, _ bytes: [UInt8]) {
        guard !connection.isClosed, !bytes.isEmpty else { return }
        if let security = connection.security {
            do {
                queueRaw(connection, try security.send(bytes))
            } catch {
                closeNow(connection)
                return
            }
        } else {
            queueRaw(connection, bytes)
        }
        flush(connection)
    }

    func queueRaw(_ connection: Connection, _ bytes: [UInt8]) {
        if connection.pendingOutput == 0 && connection.output.capacity < 64 * 1024 {
            if connection.output.isEmpty {
                connection.output = bytes
            } else {
                connection.output.removeAll(keepingCapacity: true)
                connection.output.append(contentsOf: bytes)
            }
            connection.outputOffset = 0
        } else {
            connection.output.append(contentsOf: bytes)
        }
    }

    func closeAfterFlush(_ connection: Connection) {
        if let security = connection.security, !connection.closeAfterFlush {
            queueRaw(connection, security.close())
        }
        connection.closeAfterFlush = true
        flush(connection)
    }

    /// Writes as much as the socket takes; arms EPOLLOUT for the rest.
    func flush(_ connection: Connection) {
        guard !connection.isClosed else { return }
        while connection.outputOffset < connection.output.count {
            let written = connection.output.withUnsafeBytes { buffer in
                // MSG_NOSIGNAL: a client that vanished must cost an EPIPE, not the process (SIGPIPE).
                Glibc.send(connection.fd, buffer.baseAddress! + connection.outputOffset, buffer.count - connection.outputOffset, Int32(MSG_NOSIGNAL))
            }
            if written > 0 {
                connection.outputOffset += written
            } else {
                let error = errno
                if written < 0 && error == EINTR { continue }
                if written < 0 && (error == EAGAIN || error == EWOULDBLOCK) {
                    if !connection.wantsWrite {
                        connection.wantsWrite = true
                        updateInterest(connection)
                    }
                    return
                }
                closeNow(connection)
                return
            }
        }
        if connection.output.capacity > 64 * 1024 { connection.output = [] } else { connection.output.removeAll(keepingCapacity: true) }
        connection.outputOffset = 0
        if connection.wantsWrite {
            connection.wantsWrite = false
            updateInterest(connection)
        }
        if connection.closeAfterFlush { linger(connection) }
    }

    /// Read interest until the peer half-closes, write interest while output is pending. A peer
    /// that closed its side is not polled for reads again (level-triggered EOF would spin).
    func updateInterest(_ connection: Connection) {
        var events: UInt32 = 0
        if !connection.readClosed { events |= EPOLLIN.rawValue }
        if connection.wantsWrite { events |= EPOLLOUT.rawValue }
        modify(connection.fd, token: connection.id, events: events)
    }

    /// Closing a socket with unread input makes the kernel send a reset that can destroy the
    /// response just written (a 413 to a client still uploading). So: half-close, discard what
    /// still arrives for a moment, then close.
    func linger(_ connection: Connection) {
        guard connection.lingerUntil == nil else { return }
        if connection.readClosed || draining {
            closeNow(connection)
            return
        }
        shutdown(connection.fd, Int32(SHUT_WR))
        connection.lingerUntil = monotonicNanoseconds() &+ 2_000_000_000
        connection.stream?.end(.clientGone)
        connection.stream = nil
    }

    /// `abort` resets the connection (SO_LINGER 0) so the kernel drops what is still queued for a
    /// client that stopped reading, instead of holding megabytes for it after the close.
    func closeNow(_ connection: Connection, abort: Bool = false) {
        guard !connection.isClosed else { return }
        connection.isClosed = true
        if abort {
            var option = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(connection.fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<Glibc.linger>.size))
        }
        connection.stream?.end(.clientGone)
        connection.stream = nil
        close(connection.fd)
        connections[connection.id] = nil
        openConnections.release()
    }
}
