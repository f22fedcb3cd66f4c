import Gzip

/// Gzips complete response bodies when the client accepts gzip, the type is compressible and the
/// body is big enough to gain from it.
///
/// Never touches streams (server-sent events must reach the client as they are written), bodies
/// that already carry a `Content-Encoding`, partial content, or responses marked `no-transform`.
/// Every compressible response gets `Vary: Accept-Encoding`, compressed or not, so a shared cache
/// never hands a gzip body to a client that did not ask for one.
public struct CompressionMiddleware: Middleware {
    /// Bodies smaller than this go out as they are: under ~1 KB the gzip framing eats the gain.
    public var minimumSize: Int
    /// zlib level, 1 (fast) to 9 (small). 6 is zlib's default balance.
    public var level: Int

    public init(minimumSize: Int = 1024, level: Int = 6) {
        self.minimumSize = minimumSize
        self.level = level
    }

    public func handle(_ request: HTTPRequest, context: RequestContext, next: NextResponder) async throws -> HTTPResponse {
        var response = try await next(request, context)
        guard case .bytes(let body) = response.body,
            response.status.allowsBody, response.status.code != 206,
            CompressibleTypes.contains(response.headers["Content-Type"])
        else { return response }
        Self.addVaryAcceptEncoding(&response.headers)
        guard body.count >= minimumSize,
            !response.headers.contains("Content-Encoding"),
            !response.headers.containsToken("no-transform", in: "Cache-Control"),
            AcceptEncoding.allowsGzip(request.headers)
        else { return response }
        guard let compressed = try? Gzip.compress(body, level: level), compressed.count < body.count else {
            return response
        }
        response.body = .bytes(compressed)
        response.headers["Content-Encoding"] = "gzip"
        response.headers.remove(name: "Content-Length")
        if let etag = response.headers["ETag"] {
            response.headers["ETag"] = Self.gzipETag(etag)
        }
        return response
    }

    /// Adds `Accept-Encoding` to `Vary` unless it (or `*`) is there already.
    public static func addVaryAcceptEncoding(_ headers: inout HTTPHeaders) {
        if headers.containsToken("Accept-Encoding", in: "Vary") || headers.containsToken("*", in: "Vary") { return }
        if let vary = headers["Vary"], !vary.isEmpty {
            headers["Vary"] = vary + ", Accept-Encoding"
        } else {
            headers["Vary"] = "Accept-Encoding"
        }
    }

    /// A different representation needs a different validator (RFC 9110 §8.8.3): `"abc"` → `"abc-gz"`.
    public static func gzipETag(_ etag: String) -> String {
        guard etag.hasSuffix("\""), !etag.hasSuffix("-gz\"") else { return etag }
        return String(etag.dropLast()) + "-gz\""
    }
}
