import Logging
import Testing
@testable import HTTPServer

func coreTestContext() -> RequestContext {
    RequestContext(requestID: "t", remoteAddress: "127.0.0.1:1", isSecure: false, logger: Logger(label: "test"))
}

/// Runs a responder and turns a thrown `HTTPResponseError` into its response, as the server does.
func respondTo(_ responder: any Responder, _ method: HTTPMethod, _ target: String) async -> HTTPResponse {
    do {
        return try await responder.respond(to: HTTPRequest(method: method, target: target), context: coreTestContext())
    } catch let error as any HTTPResponseError {
        return error.response()
    } catch {
        return HTTPResponse(status: .internalServerError)
    }
}

func responseText(_ response: HTTPResponse) -> String {
    String(decoding: response.body.bytes ?? [], as: UTF8.self)
}

@Suite("Router")
struct RouterTests {
    static func router() -> Router {
        var routes = RouterBuilder()
        routes.get("/") { _, _ in .text("home") }
        routes.get("/runs/:id") { _, c in .text("run \(c.parameters["id"] ?? "?")") }
        routes.post("/runs/:id") { _, c in .text("post \(c.parameters["id"] ?? "?")") }
        routes.get("/runs/latest") { _, _ in .text("latest") }
        routes.get("/runs/:id/steps/:step") { _, c in
            let step: Int = try c.parameters.require("step")
            return .text("run \(c.parameters["id"]!) step \(step)")
        }
        routes.get("/files/**") { _, c in .text("file \(c.parameters["**"] ?? "")") }
        routes.delete("/any/*/x") { _, _ in .text("wild") }
        return routes.build()
    }

    @Test("literal, parameter, literal-beats-parameter, nested parameters, catch-all")
    func matching() async {
        let r = Self.router()
        #expect(responseText(await respondTo(r, .get, "/")) == "home")
        #expect(responseText(await respondTo(r, .get, "/runs/42")) == "run 42")
        #expect(responseText(await respondTo(r, .post, "/runs/42")) == "post 42")
        #expect(responseText(await respondTo(r, .get, "/runs/latest")) == "latest")
        #expect(responseText(await respondTo(r, .get, "/runs/a%20b/steps/3?x=1")) == "run a b step 3")
        #expect(responseText(await respondTo(r, .get, "/files/css/site.css")) == "file css/site.css")
        #expect(responseText(await respondTo(r, .delete, "/any/thing/x")) == "wild")
    }

    @Test("unknown path → 404; known path, other method → 405 with Allow")
    func errors() async {
        let r = Self.router()
        #expect(await respondTo(r, .get, "/nope").status == .notFound)
        #expect(await respondTo(r, .get, "/runs").status == .notFound)
        let notAllowed = await respondTo(r, .put, "/runs/1")
        #expect(notAllowed.status == .methodNotAllowed)
        #expect(notAllowed.headers["Allow"] == "GET, HEAD, POST")
        #expect(await respondTo(r, .get, "/runs/1/steps/notanumber").status == .badRequest)
        #expect(await respondTo(r, .get, "/runs/%zz").status == .badRequest)
    }

    @Test("HEAD is answered by the GET handler")
    func head() async {
        let r = Self.router()
        let response = await respondTo(r, .head, "/runs/7")
        #expect(response.status == .ok)
        #expect(responseText(response) == "run 7")
    }

    @Test("the fallback answers unmatched GET and HEAD only")
    func fallback() async {
        var routes = RouterBuilder()
        routes.post("/form") { _, _ in .text("posted") }
        routes.setFallback(ClosureResponder { request, _ in .text("static \(request.path)") })
        let r = routes.build()
        #expect(responseText(await respondTo(r, .get, "/style.css")) == "static /style.css")
        #expect(await respondTo(r, .post, "/style.css").status == .notFound)
    }

    @Test("the built router is frozen: later builder changes do not reach it")
    func frozen() async {
        var routes = RouterBuilder()
        routes.get("/a") { _, _ in .text("a") }
        let r = routes.build()
        routes.get("/b") { _, _ in .text("b") }
        #expect(await respondTo(r, .get, "/b").status == .notFound)
        #expect(await respondTo(routes.build(), .get, "/b").status == .ok)
    }
}

@Suite("Middleware")
struct MiddlewareTests {
    enum TraceKey: RequestContextKey { typealias Value = [String] }

    struct Tag: Middleware {
        let name: String
        func handle(_ request: HTTPRequest, context: RequestContext, next: NextResponder) async throws -> HTTPResponse {
            var context = context
            context[TraceKey.self] = (context[TraceKey.self] ?? []) + [name]
            var response = try await next(request, context)
            response.headers.add(name: "X-Trace", value: name)
            return response
        }
    }

    struct Gate: Middleware {
        func handle(_ request: HTTPRequest, context: RequestContext, next: NextResponder) async throws -> HTTPResponse {
            if request.headers["Authorization"] == nil { throw HTTPError(.unauthorized, message: "Sign in first.") }
            return try await next(request, context)
        }
    }

    @Test("middleware runs in order, passes typed context down and sees the response on the way back")
    func order() async {
        var routes = RouterBuilder()
        routes.add(middleware: Tag(name: "outer"))
        routes.add(middleware: Tag(name: "inner"))
        routes.get("/") { _, context in .text((context[TraceKey.self] ?? []).joined(separator: ",")) }
        let response = await respondTo(routes.build(), .get, "/")
        #expect(responseText(response) == "outer,inner")
        #expect(response.headers.values(for: "X-Trace") == ["inner", "outer"])
    }

    @Test("middleware also wraps 404s, and can answer by throwing an HTTPError")
    func wrapsErrors() async {
        var routes = RouterBuilder()
        routes.add(middleware: Gate())
        routes.get("/") { _, _ in .text("secret") }
        let r = routes.build()
        let denied = await respondTo(r, .get, "/")
        #expect(denied.status == .unauthorized)
        #expect(responseText(denied) == "Sign in first.\n")
        #expect(await respondTo(r, .get, "/missing").status == .unauthorized)
    }
}
