import Foundation
import Gzip
@testable import HTTPServer
import Logging
import Testing

/// A `public/` folder with a secret beside it, for traversal attempts.
struct PublicFolder {
    let base: URL
    var root: String { base.appendingPathComponent("public").path }
    let css: [UInt8]

    init() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("static-\(UUID().uuidString)")
        let fm = FileManager.default
        try fm.createDirectory(atPath: base.appendingPathComponent("public/sub").path, withIntermediateDirectories: true)
        try fm.createDirectory(atPath: base.appendingPathComponent("public/emptydir").path, withIntermediateDirectories: true)
        var css = ""
        var i = 0
        while css.utf8.count < 20_000 {
            css += ".step-\(i) { color: #\(String(i * 7919 % 0xffffff, radix: 16)); margin: \(i % 17)px; }\n"
            i += 1
        }
        self.css = Array(css.utf8)
        try write("public/style.css", self.css)
        try write("public/tiny.txt", Array("hi\n".utf8))
        try write("public/logo.png", GzipTests.sample(5_000, seed: 99).suffix(3_000).map { $0 })
        try write("public/sub/index.html", Array("<h1>sub</h1>".utf8))
        try write("public/.hidden", Array("hidden".utf8))
        try write("public/ünï code.txt", Array("unicode".utf8))
        try write("secret.txt", Array("TOP SECRET".utf8))
        try fm.createSymbolicLink(atPath: base.appendingPathComponent("public/link-out.txt").path, withDestinationPath: "../secret.txt")
        try fm.createSymbolicLink(atPath: base.appendingPathComponent("public/link-in.css").path, withDestinationPath: "style.css")
        try fm.createSymbolicLink(atPath: base.appendingPathComponent("public/dir-out").path, withDestinationPath: base.path)
    }

    func write(_ relative: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: base.appendingPathComponent(relative))
    }

    func remove() { try? FileManager.default.removeItem(at: base) }
}

func edgeTestContext() -> RequestContext {
    RequestContext(requestID: "test", remoteAddress: "127.0.0.1:1", isSecure: false, logger: Logger(label: "test"))
}

func edgeGet(_ responder: any Responder, _ target: String, _ headers: HTTPHeaders = HTTPHeaders(), method: HTTPMethod = .get) async throws -> HTTPResponse {
    do {
        return try await responder.respond(to: HTTPRequest(method: method, target: target, headers: headers), context: edgeTestContext())
    } catch let error as HTTPResponseError {
        return error.response()
    }
}

@Suite("Static files")
struct StaticFileResponderTests {
    @Test func servesAFileWithValidatorsAndCaching() async throws {
        let folder = try PublicFolder()
        defer { folder.remove() }
        let responder = try StaticFileResponder(root: folder.root)
        let response = try await edgeGet(responder, "/style.css?v=3")
        #expect(response.status == .ok)
        #expect(response.body.bytes == folder.css)
        #expect(response.headers["Content-Type"] == "text/css; charset=utf-8")
        #expect(response.headers["Cache-Control"] == "public, max-age=300")
        #expect(response.headers["X-Content-Type-Options"] == "nosniff")
        #expect(response.headers["Vary"] == "Accept-Encoding")
        #expect(response.headers["Content-Encoding"] == nil)
        let etag = try #require(response.headers["ETag"])
        #expect(etag.hasPrefix("\"") && etag.hasSuffix("\"") && etag.count == 34)
        let lastModified = try #require(response.headers["Last-Modified"])
        #expect(lastModified.hasSuffix(" GMT") && HTTPDateParser.parse(lastModified) != nil)
        // Same content, same tag: the tag is a content hash, not an inode.
        #expect(try await edgeGet(responder, "/link-in.css").headers["ETag"] == etag)
    }

    @Test func contentTypes() async throws {
        let folder = try PublicFolder()
        defer { folder.remove() }
        let responder = try StaticFileResponder(root: folder.root)
        #expect(try await edgeGet(responder, "/logo.png").headers["Content-Type"] == "image/png")
        #expect(try await edgeGet(responder, "/tiny.txt").headers["Content-Type"] == "text/plain; charset=utf-8")
        #expect(try await edgeGet(responder, "/sub/").headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(MediaTypes.forFileName("app.JS") == "text/javascript; charset=utf-8")
        #expect(MediaTypes.forFileName("README") == "application/octet-stream")
        #expect(try await edgeGet(responder, "/%C3%BCn%C3%AF%20code.txt").body.bytes == Array("unicode".utf8))
    }

    @Test func ifNoneMatchGives304() async throws {
        let folder = try PublicFolder()
        defer { folder.remove() }
        let responder = try StaticFileResponder(root: folder.root)
        let etag = try #require(try await edgeGet(responder, "/style.css").headers["ETag"])
        for header in [etag, "W/\(etag)", "\"other\", \(etag)", "*"] {
            let response = try await edgeGet(responder, "/style.css", ["If-None-Match": header])
            #expect(response.status == .notModified, "If-None-Match: \(header)")
            #expect(response.body.bytes == [])
            #expect(response.headers["ETag"] == etag)
            #expect(response.headers["Cache-Control"] != nil)
        }
        #expect(try await edgeGet(responder, "/style.css", ["If-None-Match": "\"stale\""]).status == .ok)
    }

    @Test func ifModifiedSince() async throws {
        let folder = try PublicFolder()
        defer { folder.remove() }
        let responder = try StaticFileResponder(root: folder.root)
        let lastModified = try #require(try await edgeGet(responder, "/tiny.txt").headers["Last-Modified"])
        let seconds = try #require(HTTPDateParser.parse(lastModified))
        #expect(try await edgeGet(responder, "/tiny.txt", ["If-Modified-Since": lastModified]).status == .notModified)
        #expect(try await edgeGet(responder, "/tiny.txt", ["If-Modified-Since": HTTPDate.format(seconds + 60)]).status == .notModified)
        #expect(try await edgeGet(responder, "/tiny.txt", ["If-Modified-Since": HTTPDate.format(seconds - 60)]).status == .ok)
        #expect(try await edgeGet(responder, "/tiny.txt", ["If-Modified-Since": "yesterday"]).status == .ok)
        // If-None-Match wins when both are present.
        let both: HTTPHeaders = ["If-None-Match": "\"stale\"", "If-Modified-Since": lastModified]
        #expect(try await edgeGet(responder, "/tiny.txt", both).status == .ok)
    }

    @Test func servesPrecompressedGzipWhenAccepted() async throws {
        let folder = try PublicFolder()
        defer { folder.remove() }
        let responder = try StaticFileResponder(root: folder.root)
        let plain = try await edgeGet(responder, "/style.css")
        let gz = try await edgeGet(responder, "/style.css", ["Accept-Encoding": "br;q=1, gzip;q=0.8"])
        #expect(gz.headers["Content-Encoding"] == "gzip")
        #expect(gz.headers["Vary"] == "Accept-Encoding")
        let body = try #require(gz.body.bytes)
        #expect(body.count < folder.css.count / 3)
        #expect(try Gzip.decompress(body) == folder.css)
        #expect(gz.headers["ETag"] != plain.headers["ETag"])
        // Either representation's tag revalidates.
        #expect(try await edgeGet(responder, "/style.css", ["If-None-Match": gz.headers["ETag"]!, "Accept-Encoding": "gzip"]).status == .notModified)

        #expect(try await edgeGet(responder, "/style.css", ["Accept-Encoding": "gzip;q=0"]).headers["Content-Encoding"] == nil)
        #expect(try await edgeGet(responder, "/style.css", ["Accept-Encoding": "identity"]).headers["Content-Encoding"] == nil)
        #expect(try await edgeGet(responder, "/tiny.txt", ["Accept-Encoding": "gzip"]).headers["Content-Encoding"] == nil)  // too small
        let png = try await edgeGet(responder, "/logo.png", ["Accept-Encoding": "gzip"])
        #expect(png.headers["Content-Encoding"] == nil)
        #expect(png.headers["Vary"] == nil)
    }

    @Test("no escape from the folder", arguments: [
        "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/sub/../../secret.txt",
        "/..%2fsecret.txt", "/sub/%2e%2e/%2e%2e/secret.txt", "/%2e%2e%5csecret.txt", "/..\\secret.txt",
        "/style.css%00.png", "/%00", "/.hidden", "/sub/./index.html", "/%zz", "/link-out.txt",
        "/dir-out/secret.txt", "/emptydir", "/missing.css", "/sub/index.html/x",
    ])
    func traversalIs404(target: String) async throws {
        let folder = try PublicFolder()
        defer { folder.remove() }
        let responder = try StaticFileResponder(root: folder.root)
        let response = try await edgeGet(responder, target)
        #expect(response.status == .notFound)
        #expect(response.body.bytes.map { String(decoding: $0, as: UTF8.self).contains("SECRET") } == false)
    }

    @Test func symlinkInsideTheFolderIsServed() async throws {
        let folder = try PublicFolder()
        defer { folder.remove() }
        let responder = try StaticFileResponder(root: folder.root)
        #expect(try await edgeGet(responder, "/link-in.css").body.bytes == folder.css)
    }

    @Test func otherMethodsAre405() async throws {
        let folder = try PublicFolder()
        defer { folder.remove() }
        let responder = try StaticFileResponder(root: folder.root)
        let response = try await edgeGet(responder, "/style.css", method: .post)
        #expect(response.status == .methodNotAllowed)
        #expect(response.headers["Allow"] == "GET, HEAD")
    }

    @Test func urlPrefix() async throws {
        let folder = try PublicFolder()
        defer { folder.remove() }
        let responder = try StaticFileResponder(root: folder.root, configuration: .init(urlPrefix: "/static"))
        #expect(try await edgeGet(responder, "/static/tiny.txt").status == .ok)
        #expect(try await edgeGet(responder, "/tiny.txt").status == .notFound)
        #expect(try await edgeGet(responder, "/statictiny.txt").status == .notFound)
    }

    @Test func cachedUntilWatchModeSeesTheChange() async throws {
        let folder = try PublicFolder()
        defer { folder.remove() }
        let fixed = try StaticFileResponder(root: folder.root)
        let watching = try StaticFileResponder(root: folder.root, configuration: .init(watchForChanges: true))
        let before = try await edgeGet(watching, "/tiny.txt").headers["ETag"]
        _ = try await edgeGet(fixed, "/tiny.txt")
        try folder.write("public/tiny.txt", Array("changed\n".utf8))
        #expect(try await edgeGet(fixed, "/tiny.txt").body.bytes == Array("hi\n".utf8))
        let after = try await edgeGet(watching, "/tiny.txt")
        #expect(after.body.bytes == Array("changed\n".utf8))
        #expect(after.headers["ETag"] != before)
    }

    @Test func cacheBoundStillServesEverything() async throws {
        let folder = try PublicFolder()
        defer { folder.remove() }
        let responder = try StaticFileResponder(root: folder.root, configuration: .init(maxCachedFileSize: 4_000, maxCacheBytes: 3_000))
        for _ in 0..<2 {
            #expect(try await edgeGet(responder, "/style.css").body.bytes == folder.css)  // over the file limit
            #expect(try await edgeGet(responder, "/logo.png").body.bytes?.count == 3_000)  // fits, then fills the cache
            #expect(try await edgeGet(responder, "/tiny.txt").body.bytes == Array("hi\n".utf8))  // cache full
        }
    }

    @Test func missingFolderIsAStartUpError() {
        let error = #expect(throws: StaticFileError.self) { try StaticFileResponder(root: "/nonexistent/Public") }
        #expect(error?.description.contains("/nonexistent/Public") == true)
        #expect(error?.description.contains("--public") == true)
    }

    @Test func httpDates() {
        #expect(HTTPDateParser.parse("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(HTTPDateParser.parse(HTTPDate.format(1_700_000_000)) == 1_700_000_000)
        #expect(HTTPDateParser.parse("Sunday, 06-Nov-94 08:49:37 GMT") == nil)
        #expect(HTTPDateParser.parse("Sun, 06 Foo 1994 08:49:37 GMT") == nil)
        #expect(HTTPDateParser.parse("Sun, 06 Nov 1994 28:49:37 GMT") == nil)
    }
}
