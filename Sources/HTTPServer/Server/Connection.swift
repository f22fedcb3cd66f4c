/// One accepted socket and its state. Touched only on the loop thread. Kept small: an idle
/// keep-alive connection holds its lifecycle value and empty buffers, nothing per-request.
final class Connection {
    let id: UInt64
    let fd: Int32
    let remote: String
    var lifecycle: ConnectionLifecycle
    let security: (any ConnectionSecurity)?
    /// Bytes waiting for the socket (already encrypted under TLS).
    var output: [UInt8] = []
    var outputOffset = 0
    var closeAfterFlush = false
    var wantsWrite = false
    var isClosed = false
    /// The peer half-closed; reads are no longer polled.
    var readClosed = false
    /// Set after an answer that ends the connection: input is discarded until then, then it closes.
    var lingerUntil: UInt64?
    /// The writer of the response being streamed, if any.
    var stream: StreamWriter?

    init(id: UInt64, fd: Int32, remote: String, lifecycle: ConnectionLifecycle, security: (any ConnectionSecurity)?) {
        self.id = id
        self.fd = fd
        self.remote = remote
        self.lifecycle = lifecycle
        self.security = security
    }

    var pendingOutput: Int { output.count - outputOffset }
}
