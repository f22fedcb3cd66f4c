import Foundation
import Gzip
@testable import HTTPServer
import Testing

@Suite("gzip middleware")
struct CompressionMiddlewareTests {
    static let json = Array(String(repeating: "{\"step\":\"backup\",\"status\":\"verified\"},", count: 200).utf8)

    /// The middleware in front of a handler that returns `response`.
    static func run(_ response: HTTPResponse, _ requestHeaders: HTTPHeaders, minimumSize: Int = 1024) async throws -> HTTPResponse {
        let chain = MiddlewareChain([CompressionMiddleware(minimumSize: minimumSize)], responder: ClosureResponder { _, _ in response })
        return try await chain.respond(to: HTTPRequest(method: .get, target: "/x", headers: requestHeaders), context: edgeTestContext())
    }

    @Test func compressesWhenAcceptedCompressibleAndBigEnough() async throws {
        var original = HTTPResponse.json(Self.json)
        original.headers["ETag"] = "\"v1\""
        let response = try await Self.run(original, ["Accept-Encoding": "gzip, deflate, br"])
        #expect(response.headers["Content-Encoding"] == "gzip")
        #expect(response.headers["Vary"] == "Accept-Encoding")
        #expect(response.headers["ETag"] == "\"v1-gz\"")
        let body = try #require(response.body.bytes)
        #expect(body.count < Self.json.count / 5)
        #expect(try Gzip.decompress(body) == Self.json)
    }

    @Test("Accept-Encoding q-values", arguments: [
        ("gzip", true), ("GZIP", true), ("x-gzip", true), ("deflate, gzip;q=0.5", true), ("*", true),
        ("gzip;q=0", false), ("gzip; q=0.000", false), ("*;q=0", false), ("br", false), ("identity", false),
        ("*, gzip;q=0", false), ("gzip;q=0, *", false), ("*;q=0.1, gzip;q=0", false), ("gzip;q=bogus", false),
        ("gzip;q=2", false), ("", false), ("gzip;level=1", true),
    ])
    func acceptEncoding(header: String, allowed: Bool) {
        #expect(AcceptEncoding.allowsGzip(["Accept-Encoding": header]) == allowed)
    }

    @Test func noAcceptEncodingHeaderMeansIdentity() async throws {
        let response = try await Self.run(.json(Self.json), [:])
        #expect(response.headers["Content-Encoding"] == nil)
        #expect(response.body.bytes == Self.json)
        #expect(response.headers["Vary"] == "Accept-Encoding")  // still varies: another client would get gzip
    }

    @Test func smallBodiesStayAsTheyAre() async throws {
        let response = try await Self.run(.text("ok"), ["Accept-Encoding": "gzip"])
        #expect(response.headers["Content-Encoding"] == nil)
        #expect(response.body.bytes == Array("ok".utf8))
    }

    @Test func incompressibleTypesAreSkipped() async throws {
        var png = HTTPResponse(status: .ok, headers: ["Content-Type": "image/png"], body: .bytes(Self.json))
        #expect(try await Self.run(png, ["Accept-Encoding": "gzip"]).headers["Content-Encoding"] == nil)
        png.headers["Content-Type"] = nil
        #expect(try await Self.run(png, ["Accept-Encoding": "gzip"]).headers["Content-Encoding"] == nil)
    }

    @Test func alreadyEncodedBodiesAreSkipped() async throws {
        var response = HTTPResponse.json(Self.json)
        response.headers["Content-Encoding"] = "br"
        let result = try await Self.run(response, ["Accept-Encoding": "gzip"])
        #expect(result.headers["Content-Encoding"] == "br")
        #expect(result.body.bytes == Self.json)
    }

    @Test func noTransformIsRespected() async throws {
        var response = HTTPResponse.json(Self.json)
        response.headers["Cache-Control"] = "private, no-transform"
        #expect(try await Self.run(response, ["Accept-Encoding": "gzip"]).headers["Content-Encoding"] == nil)
    }

    @Test func streamsAreNeverCompressed() async throws {
        let sse = HTTPResponse(
            status: .ok, headers: ["Content-Type": "text/event-stream"],
            body: .stream(ResponseBodyStream { writer in try writer.write(Array("data: x\n\n".utf8)) }))
        let result = try await Self.run(sse, ["Accept-Encoding": "gzip"])
        #expect(result.headers["Content-Encoding"] == nil)
        #expect(result.body.bytes == nil)
        #expect(!CompressibleTypes.contains("text/event-stream; charset=utf-8"))
    }

    @Test func existingVaryIsExtendedNotReplaced() async throws {
        var response = HTTPResponse.json(Self.json)
        response.headers["Vary"] = "Cookie"
        #expect(try await Self.run(response, ["Accept-Encoding": "gzip"]).headers["Vary"] == "Cookie, Accept-Encoding")
        response.headers["Vary"] = "accept-encoding"
        #expect(try await Self.run(response, ["Accept-Encoding": "gzip"]).headers.values(for: "Vary") == ["accept-encoding"])
    }

    @Test func bodilessStatusesAreSkipped() async throws {
        let notModified = HTTPResponse(status: .notModified, headers: ["Content-Type": "text/css"])
        let result = try await Self.run(notModified, ["Accept-Encoding": "gzip"])
        #expect(result.headers["Content-Encoding"] == nil)
        #expect(result.headers["Vary"] == nil)
    }

    @Test func compressibleTypes() {
        for type in ["text/html; charset=utf-8", "text/css", "application/json", "application/problem+json", "image/svg+xml", "text/javascript"] {
            #expect(CompressibleTypes.contains(type), "\(type)")
        }
        for type in ["image/png", "font/woff2", "application/gzip", "application/octet-stream", "video/mp4"] {
            #expect(!CompressibleTypes.contains(type), "\(type)")
        }
    }
}
