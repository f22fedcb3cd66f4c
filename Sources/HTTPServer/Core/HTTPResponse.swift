/// A response a responder returns. The server adds `Content-Length` or chunked framing, `Date`
/// and `Connection`; handlers set only what they mean.
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: HTTPResponseBody

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(), body: HTTPResponseBody = .empty) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// `text/plain; charset=utf-8`.
    public static func text(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: .bytes(Array(text.utf8)))
    }

    /// `text/html; charset=utf-8`.
    public static func html(_ html: String, status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: ["Content-Type": "text/html; charset=utf-8"], body: .bytes(Array(html.utf8)))
    }

    /// `application/json` from already-encoded bytes.
    public static func json(_ bytes: [UInt8], status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: .bytes(bytes))
    }
}

/// A complete body, or a stream the server drains as the producer writes (server-sent events,
/// long exports). Streams go out chunked on HTTP/1.1 and close-delimited on HTTP/1.0.
public enum HTTPResponseBody: Sendable {
    case bytes([UInt8])
    case stream(ResponseBodyStream)

    public static let empty = HTTPResponseBody.bytes([])

    /// The bytes of a complete body; nil for a stream.
    public var bytes: [UInt8]? {
        if case .bytes(let b) = self { return b }
        return nil
    }
}

/// A body produced over time. `produce` runs in the request's task after the head went out; it
/// returns when the body is complete, and the server then ends the response.
public struct ResponseBodyStream: Sendable {
    public let produce: @Sendable (any ResponseBodyWriter) async throws -> Void

    public init(_ produce: @escaping @Sendable (any ResponseBodyWriter) async throws -> Void) {
        self.produce = produce
    }
}

/// Why a stream's writer stopped accepting bytes.
public enum StreamEnd: Sendable, Equatable {
    /// The client went away, or fell so far behind that its buffer overflowed and it was cut off.
    case clientGone
    /// The server is shutting down: write a final message now, then return.
    case serverShutdown
}

/// Where a streaming body writes. `write` never blocks: it queues bytes for the event loop, and a
/// client whose queue passes the configured bound is disconnected instead of growing memory.
public protocol ResponseBodyWriter: Sendable {
    /// Queues bytes. Throws `StreamClosedError` once the client is gone or was cut off.
    func write(_ bytes: [UInt8]) throws
    /// Suspends until the stream must end (client gone or shutdown) and says why.
    func waitForEnd() async -> StreamEnd
    /// True once the stream must end; a producer loop can poll it.
    var isEnded: Bool { get }
}

/// Thrown by `ResponseBodyWriter.write` after the connection closed.
public struct StreamClosedError: Error, Sendable, CustomStringConvertible {
    public let reason: StreamEnd
    public init(reason: StreamEnd) { self.reason = reason }
    public var description: String { "response stream closed (\(reason))" }
}
