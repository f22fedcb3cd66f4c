import Foundation
import Mustache
import Synchronization

/// Every Mustache template of a folder, parsed once at start-up.
///
/// A template is named by its path without `.mustache` (`pages/home`). Pages share a layout through
/// Mustache inheritance (`{{<layout}}{{$content}}…{{/content}}{{/layout}}`) and pull in partials
/// with `{{>name}}`. Values are HTML-escaped unless written with triple braces. Loading fails, with
/// file, line and column, on a syntax error or a reference to a template that does not exist, so a
/// typo stops start-up instead of rendering an empty block in production.
///
/// ```swift
/// let templates = try TemplateLibrary(directory: "Templates")
/// router.get("/") { _, _ in try templates.response("home", ["title": "Runbook"]) }
/// ```
public final class TemplateLibrary: Sendable {
    public let directory: String
    /// When true, a render first checks whether any file changed and reloads the folder (development only).
    public let reloadsChangedFiles: Bool
    private let state: Mutex<Loaded>

    struct Loaded: Sendable {
        var library: MustacheLibrary
        var names: Set<String>
        var fingerprint: [String: Double]
    }

    public init(directory: String, reloadsChangedFiles: Bool = false) throws {
        self.directory = directory
        self.reloadsChangedFiles = reloadsChangedFiles
        self.state = Mutex(try Self.load(directory))
    }

    /// The names of the loaded templates, sorted.
    public var templateNames: [String] {
        state.withLock { $0.names.sorted() }
    }

    public func contains(_ name: String) -> Bool {
        state.withLock { $0.names.contains(name) }
    }

    /// Renders a template with `context` (a dictionary, or any value whose stored properties the
    /// template reads by name).
    public func render(_ name: String, _ context: Any) throws -> String {
        let library = try currentLibrary()
        guard let output = library.render(context, withTemplate: name) else {
            throw TemplateError(.notFound(name), message: "no template named '\(name)' in \(directory) (expected \(directory)/\(name).mustache)")
        }
        return output
    }

    /// Renders a template into a `text/html; charset=utf-8` response.
    public func response(_ name: String, _ context: Any, status: HTTPStatus = .ok) throws -> HTTPResponse {
        .html(try render(name, context), status: status)
    }

    private func currentLibrary() throws -> MustacheLibrary {
        guard reloadsChangedFiles else { return state.withLock { $0.library } }
        let fingerprint = try Self.fingerprint(directory)
        if let library = state.withLock({ $0.fingerprint == fingerprint ? $0.library : nil }) { return library }
        let reloaded = try Self.load(directory)
        state.withLock { $0 = reloaded }
        return reloaded.library
    }
}
