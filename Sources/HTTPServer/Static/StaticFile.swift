import COpenSSL
import Glibc
import Gzip

/// What identifies one version of a file on disk, to notice edits in development mode.
struct FileIdentity: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int
    var modifiedSeconds: Int
    var modifiedNanoseconds: Int

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int(info.st_size)
        modifiedSeconds = Int(info.st_mtim.tv_sec)
        modifiedNanoseconds = Int(info.st_mtim.tv_nsec)
    }
}

/// One file ready to serve: its bytes, its gzip form when worth it, and validators computed once.
struct StaticFile: Sendable {
    let bytes: [UInt8]
    let gzipped: [UInt8]?
    let contentType: String
    let identity: FileIdentity
    let etag: String
    let gzipETag: String
    let lastModified: String
    let validators: Validators
    let compressible: Bool

    /// - Parameter gzipMinimumSize: precompute gzip for compressible files at least this big; nil never.
    init(bytes: [UInt8], contentType: String, identity: FileIdentity, gzipMinimumSize: Int?) {
        self.bytes = bytes
        self.contentType = contentType
        self.identity = identity
        compressible = CompressibleTypes.contains(contentType)
        if compressible, let minimum = gzipMinimumSize, bytes.count >= minimum,
            let compressed = try? Gzip.compress(bytes, level: 9), compressed.count < bytes.count
        {
            gzipped = compressed
        } else {
            gzipped = nil
        }
        etag = "\"" + Self.contentHash(bytes) + "\""
        gzipETag = CompressionMiddleware.gzipETag(etag)
        lastModified = HTTPDate.format(identity.modifiedSeconds)
        validators = Validators(etags: [etag, gzipETag], lastModified: identity.modifiedSeconds)
    }

    func response(for request: HTTPRequest, cacheControl: String) -> HTTPResponse {
        let useGzip = gzipped != nil && AcceptEncoding.allowsGzip(request.headers)
        var headers = HTTPHeaders()
        headers.add(name: "ETag", value: useGzip ? gzipETag : etag)
        headers.add(name: "Last-Modified", value: lastModified)
        headers.add(name: "Cache-Control", value: cacheControl)
        if compressible { headers.add(name: "Vary", value: "Accept-Encoding") }
        if validators.notModified(request.headers) {
            return HTTPResponse(status: .notModified, headers: headers)
        }
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "X-Content-Type-Options", value: "nosniff")
        if useGzip, let gzipped {
            headers.add(name: "Content-Encoding", value: "gzip")
            return HTTPResponse(status: .ok, headers: headers, body: .bytes(gzipped))
        }
        return HTTPResponse(status: .ok, headers: headers, body: .bytes(bytes))
    }

    /// First 16 bytes of SHA-256, hex: stable across restarts and machines, unlike inode + mtime.
    static func contentHash(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        bytes.withUnsafeBufferPointer { _ = SHA256($0.baseAddress, $0.count, &digest) }
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for byte in digest.prefix(16) {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
