/// The frozen routing table: a `Responder` that matches the path (404 when nothing does), then the
/// method (405 with `Allow` when the path exists for other methods). HEAD runs the GET handler;
/// the server sends its headers without the body.
public struct Router: Responder {
    let entry: any Responder

    init(root: RouteNode, middleware: [any Middleware], fallback: (any Responder)?) {
        let table = RouteTable(root: root, fallback: fallback)
        entry = middleware.isEmpty ? table : MiddlewareChain(middleware, responder: table)
    }

    public func respond(to request: HTTPRequest, context: RequestContext) async throws -> HTTPResponse {
        try await entry.respond(to: request, context: context)
    }
}

struct RouteTable: Responder {
    let root: RouteNode
    let fallback: (any Responder)?

    func respond(to request: HTTPRequest, context: RequestContext) async throws -> HTTPResponse {
        try await route(request, context: context)
    }

    func route(_ request: HTTPRequest, context: RequestContext) async throws -> HTTPResponse {
        var segments: [String] = []
        for raw in request.path.split(separator: "/", omittingEmptySubsequences: true) {
            guard let decoded = FormDecoding.percentDecode(raw) else {
                throw HTTPError(.badRequest, message: "The path holds a malformed percent-escape.")
            }
            segments.append(decoded)
        }
        var parameters = Parameters()
        guard let node = root.match(segments[...], parameters: &parameters) else {
            if let fallback, request.method == .get || request.method == .head {
                return try await fallback.respond(to: request, context: context)
            }
            throw HTTPError(.notFound, message: "No page at \(request.path).")
        }
        var responder = node.handlers[request.method]
        if responder == nil && request.method == .head { responder = node.handlers[.get] }
        guard let responder else {
            throw HTTPError(
                .methodNotAllowed, message: "\(request.method) is not allowed here.",
                headers: ["Allow": node.allowHeader])
        }
        var context = context
        for (name, value) in parameters { context.parameters.set(name, value) }
        return try await responder.respond(to: request, context: context)
    }
}

/// A trie node. Mutable only while the builder inserts; read-only (and so safely shared) after `freeze()`.
final class RouteNode: @unchecked Sendable {
    var literals: [String: RouteNode] = [:]
    var parameter: (name: String, node: RouteNode)?
    var wildcard: RouteNode?
    var rest: RouteNode?
    var handlers: [HTTPMethod: any Responder] = [:]
    var allowHeader = ""

    func insert(_ pattern: ArraySlice<RouteSegment>, method: HTTPMethod, responder: any Responder) {
        guard let first = pattern.first else {
            handlers[method] = responder
            return
        }
        let next: RouteNode
        switch first {
        case .literal(let text):
            next = literals[text] ?? RouteNode()
            literals[text] = next
        case .parameter(let name):
            next = parameter?.node ?? RouteNode()
            parameter = (name, next)
        case .anySegment:
            next = wildcard ?? RouteNode()
            wildcard = next
        case .rest:
            next = rest ?? RouteNode()
            rest = next
        }
        next.insert(pattern.dropFirst(), method: method, responder: responder)
    }

    func freeze() {
        var methods = handlers.keys.map(\.rawValue)
        if handlers[.get] != nil && handlers[.head] == nil { methods.append("HEAD") }
        allowHeader = methods.sorted().joined(separator: ", ")
        literals.values.forEach { $0.freeze() }
        parameter?.node.freeze()
        wildcard?.freeze()
        rest?.freeze()
    }

    /// Depth-first: literal, then parameter, then `*`, then `**`; backtracks on a dead end.
    func match(_ segments: ArraySlice<String>, parameters: inout Parameters) -> RouteNode? {
        guard let first = segments.first else {
            if !handlers.isEmpty { return self }
            if let rest, !rest.handlers.isEmpty {
                parameters.set("**", "")
                return rest
            }
            return nil
        }
        let remaining = segments.dropFirst()
        if let node = literals[first], let found = node.match(remaining, parameters: &parameters) { return found }
        if let (name, node) = parameter {
            var attempt = parameters
            attempt.set(name, first)
            if let found = node.match(remaining, parameters: &attempt) {
                parameters = attempt
                return found
            }
        }
        if let wildcard, let found = wildcard.match(remaining, parameters: &parameters) { return found }
        if let rest, !rest.handlers.isEmpty {
            parameters.set("**", segments.joined(separator: "/"))
            return rest
        }
        return nil
    }
}
