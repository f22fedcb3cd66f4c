/// Collects routes and middleware, then `build()` freezes them into an immutable `Router`.
///
/// ```swift
/// var routes = RouterBuilder()
/// routes.add(middleware: AccessLogMiddleware(logger: logger))
/// routes.get("/healthz") { _, _ in .text("ok") }
/// routes.post("/runs/:id/approve") { request, context in ... context.parameters["id"] ... }
/// let router = routes.build()
/// ```
///
/// Patterns are `/`-separated segments: a literal, `:name` (one segment, captured), `*` (one
/// segment) or a final `**` (the rest of the path, captured as `**`). Literals win over captures.
public struct RouterBuilder: Sendable {
    public typealias Handler = @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse

    var routes: [(method: HTTPMethod, pattern: [RouteSegment], responder: any Responder)] = []
    var middleware: [any Middleware] = []
    var fallback: (any Responder)?

    public init() {}

    public mutating func on(_ method: HTTPMethod, _ path: String, use responder: any Responder) {
        routes.append((method, RouteSegment.parse(path), responder))
    }

    public mutating func on(_ method: HTTPMethod, _ path: String, _ handler: @escaping Handler) {
        on(method, path, use: ClosureResponder(handler))
    }

    public mutating func get(_ path: String, _ handler: @escaping Handler) { on(.get, path, handler) }
    public mutating func post(_ path: String, _ handler: @escaping Handler) { on(.post, path, handler) }
    public mutating func put(_ path: String, _ handler: @escaping Handler) { on(.put, path, handler) }
    public mutating func patch(_ path: String, _ handler: @escaping Handler) { on(.patch, path, handler) }
    public mutating func delete(_ path: String, _ handler: @escaping Handler) { on(.delete, path, handler) }

    /// Middleware run for every request, routed or not, in the order added.
    public mutating func add(middleware: any Middleware) {
        self.middleware.append(middleware)
    }

    /// Answers GET and HEAD requests that match no route (static files); others still get 404.
    public mutating func setFallback(_ responder: any Responder) {
        fallback = responder
    }

    /// Freezes the routes into a trie. Later changes to the builder do not affect it.
    public func build() -> Router {
        let root = RouteNode()
        for route in routes {
            root.insert(route.pattern[...], method: route.method, responder: route.responder)
        }
        root.freeze()
        return Router(root: root, middleware: middleware, fallback: fallback)
    }
}

enum RouteSegment: Sendable, Equatable {
    case literal(String)
    case parameter(String)
    case anySegment
    case rest

    static func parse(_ path: String) -> [RouteSegment] {
        path.split(separator: "/", omittingEmptySubsequences: true).map { part in
            if part == "**" { return .rest }
            if part == "*" { return .anySegment }
            if part.hasPrefix(":") { return .parameter(String(part.dropFirst())) }
            return .literal(String(part))
        }
    }
}
