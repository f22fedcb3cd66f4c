import Foundation
import Gzip

/// Serves the files of one folder (the console's `Public/`) for GET and HEAD.
///
/// Safe by construction: the decoded path may not contain `..`, `.`, hidden names or NUL bytes,
/// and the real path (symlinks resolved) must stay inside the folder; anything else is a 404 that
/// reveals nothing. Small files are kept in memory with their gzip form and a content-hash ETag,
/// so a repeat request costs a dictionary lookup; `watchForChanges` re-checks the file on every
/// request, for development.
///
/// ```swift
/// routes.setFallback(try StaticFileResponder(root: "Public"))
/// ```
public struct StaticFileResponder: Responder {
    public struct Configuration: Sendable {
        public var cacheControl: String
        /// Served for a directory path (`/docs/` → `/docs/index.html`); nil serves nothing.
        public var indexFile: String?
        /// Only paths under this prefix are served, with it removed (`/static/app.css` → `app.css`).
        public var urlPrefix: String
        /// Re-check size and modification time on every request (development mode).
        public var watchForChanges: Bool
        /// Files up to this size are cached in memory, together with their gzip form.
        public var maxCachedFileSize: Int
        /// Total memory the cache may hold; past it new files are read from disk each time.
        public var maxCacheBytes: Int
        /// Larger files are refused with a 500 that says why (this server is for a console's assets).
        public var maxFileSize: Int
        /// Compressible files at least this big get a precomputed gzip form.
        public var gzipMinimumSize: Int

        public init(
            cacheControl: String = "public, max-age=300", indexFile: String? = "index.html", urlPrefix: String = "",
            watchForChanges: Bool = false, maxCachedFileSize: Int = 1 << 20, maxCacheBytes: Int = 64 << 20,
            maxFileSize: Int = 64 << 20, gzipMinimumSize: Int = 1024
        ) {
            self.cacheControl = cacheControl
            self.indexFile = indexFile
            self.urlPrefix = urlPrefix
            self.watchForChanges = watchForChanges
            self.maxCachedFileSize = maxCachedFileSize
            self.maxCacheBytes = maxCacheBytes
            self.maxFileSize = maxFileSize
            self.gzipMinimumSize = gzipMinimumSize
        }
    }

    /// The folder's real path (symlinks resolved), the boundary no request may cross.
    public let root: String
    public let configuration: Configuration
    let cache: StaticFileCache

    /// - Throws: `StaticFileError` naming the folder when it does not exist or is not a directory.
    public init(root: String, configuration: Configuration = Configuration()) throws {
        guard let real = realpath(root, nil) else {
            throw StaticFileError(message: "the static files folder '\(root)' does not exist; run from the repository root or pass --public DIR")
        }
        defer { free(real) }
        let resolved = String(cString: real)
        var info = stat()
        guard stat(resolved, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw StaticFileError(message: "the static files path '\(root)' is not a folder; pass a folder with --public DIR")
        }
        self.root = resolved
        self.configuration = configuration
        self.cache = StaticFileCache(maxBytes: configuration.maxCacheBytes)
    }

    public func respond(to request: HTTPRequest, context: RequestContext) async throws -> HTTPResponse {
        guard request.method == .get || request.method == .head else {
            throw HTTPError(.methodNotAllowed, headers: ["Allow": "GET, HEAD"])
        }
        guard let relative = relativePath(request.path) else { throw HTTPError(.notFound) }
        let file: StaticFile
        if !configuration.watchForChanges, let cached = cache[relative] {
            file = cached
        } else {
            guard let located = try locate(relative) else { throw HTTPError(.notFound) }
            file = located
        }
        return file.response(for: request, cacheControl: configuration.cacheControl)
    }

    /// Finds, checks and (when small) caches the file for a safe relative path; nil for 404.
    func locate(_ relative: [String]) throws -> StaticFile? {
        guard var path = resolveInsideRoot(relative) else { return nil }
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            guard let index = configuration.indexFile, let indexPath = resolveInsideRoot(relative + [index]) else { return nil }
            path = indexPath
            guard stat(path, &info) == 0 else { return nil }
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        let identity = FileIdentity(info)
        if let cached = cache[relative], cached.identity == identity { return cached }
        guard Int(info.st_size) <= configuration.maxFileSize else {
            throw HTTPError(.internalServerError, message: "The file is larger than this server serves (\(configuration.maxFileSize) bytes).")
        }
        guard let bytes = Self.readFile(path) else { return nil }
        let cacheable = bytes.count <= configuration.maxCachedFileSize
        let file = StaticFile(
            bytes: bytes, contentType: MediaTypes.forFileName(path), identity: identity,
            gzipMinimumSize: cacheable ? configuration.gzipMinimumSize : nil)
        if cacheable { cache[relative] = file }
        return file
    }

    /// The decoded, checked path segments of a request path, or nil when it must be a 404.
    func relativePath(_ rawPath: Substring) -> [String]? {
        var path = rawPath
        if !configuration.urlPrefix.isEmpty {
            let prefix = configuration.urlPrefix.hasSuffix("/") ? String(configuration.urlPrefix.dropLast()) : configuration.urlPrefix
            guard path.hasPrefix(prefix) else { return nil }
            path = path.dropFirst(prefix.count)
            guard path.isEmpty || path.hasPrefix("/") else { return nil }
        }
        guard let decoded = FormDecoding.percentDecode(path) else { return nil }
        guard !decoded.utf8.contains(0), !decoded.contains("\\") else { return nil }
        let segments = decoded.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        for segment in segments where segment.hasPrefix(".") { return nil }  // ., .., .git, .env
        return segments
    }

    /// Joins the segments under the root and resolves symlinks; nil when the result is missing or outside.
    func resolveInsideRoot(_ segments: [String]) -> String? {
        let joined = segments.isEmpty ? root : root + "/" + segments.joined(separator: "/")
        guard let real = realpath(joined, nil) else { return nil }
        defer { free(real) }
        let resolved = String(cString: real)
        guard resolved == root || resolved.hasPrefix(root == "/" ? "/" : root + "/") else { return nil }
        return resolved
    }

    static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            offset += n
        }
        return offset == bytes.count ? bytes : Array(bytes.prefix(offset))
    }
}

/// The static files folder is unusable; raised at start-up.
public struct StaticFileError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}
