// FlyingFoxBench PORT PUBLIC_DIR TEMPLATES_DIR
// Serves /healthz, / (the same Mustache home page as `runbook serve`) and /bench.css from
// PUBLIC_DIR, on 127.0.0.1 only, until killed.
import FlyingFox
import Foundation
import Mustache

let arguments = CommandLine.arguments
guard arguments.count == 4, let port = UInt16(arguments[1]) else {
    FileHandle.standardError.write(Data("usage: FlyingFoxBench PORT PUBLIC_DIR TEMPLATES_DIR\n".utf8))
    exit(2)
}
let publicDirectory = URL(fileURLWithPath: arguments[2])
let library = try await MustacheLibrary(directory: arguments[3])
/// The same page model `runbook serve` renders (a type, so it is not main-actor isolated).
enum Home {
    static func context() -> [String: Any] {
        [
            "title": "Firestore Runbook", "product": "Firestore Runbook",
            "summary": "Zero-downtime Cloud Firestore schema migrations, walked through as a gated runbook.",
            "steps": [
                "Preflight", "Backup and verify", "Indexes", "Dry-run", "Migrate staging",
                "Approvals", "Migrate production", "Validate production", "Rollback",
            ],
        ]
    }
}
// IPv4 loopback, like the other two servers (FlyingFox's .loopback is ::1).
let server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: port))
await server.appendRoute("GET /healthz") { _ in
    HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: Data("ok\n".utf8))
}
await server.appendRoute("GET /") { _ in
    let html = library.render(Home.context(), withTemplate: "home") ?? ""
    return HTTPResponse(statusCode: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: Data(html.utf8))
}
await server.appendRoute("GET /bench.css", to: FileHTTPHandler(path: publicDirectory.appendingPathComponent("bench.css"), contentType: "text/css"))
try await server.run()
