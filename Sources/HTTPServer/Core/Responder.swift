/// Anything that turns a request into a response: a route's handler, a frozen router, a whole app.
public protocol Responder: Sendable {
    func respond(to request: HTTPRequest, context: RequestContext) async throws -> HTTPResponse
}

/// The rest of the chain, as a middleware sees it.
public typealias NextResponder = @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse

/// Code that wraps every request: logging, sessions, CSRF, compression. It may answer itself,
/// change the request or context before calling `next`, or change the response after it.
public protocol Middleware: Sendable {
    func handle(_ request: HTTPRequest, context: RequestContext, next: NextResponder) async throws -> HTTPResponse
}

/// A responder from a closure, for routes and tests.
public struct ClosureResponder: Responder {
    public let closure: @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse

    public init(_ closure: @escaping @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse) {
        self.closure = closure
    }

    public func respond(to request: HTTPRequest, context: RequestContext) async throws -> HTTPResponse {
        try await closure(request, context)
    }
}

/// Middleware in front of a responder; the first in the list sees the request first.
public struct MiddlewareChain: Responder {
    let middleware: [any Middleware]
    let responder: any Responder

    public init(_ middleware: [any Middleware], responder: any Responder) {
        self.middleware = middleware
        self.responder = responder
    }

    public func respond(to request: HTTPRequest, context: RequestContext) async throws -> HTTPResponse {
        try await run(index: 0, request, context)
    }

    private func run(index: Int, _ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        if index == middleware.count {
            return try await responder.respond(to: request, context: context)
        }
        return try await middleware[index].handle(request, context: context) { req, ctx in
            try await self.run(index: index + 1, req, ctx)
        }
    }
}
