import Foundation
import HTTPServer
import Testing

/// A throwaway templates folder per test.
struct TemplateFolder {
    let path: String

    init(_ files: [String: String]) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID().uuidString)").path
        for (name, text) in files { try write(name, text) }
    }

    func write(_ name: String, _ text: String) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

@Suite("Mustache template library")
struct TemplateLibraryTests {
    static let site: [String: String] = [
        "layout.mustache": """
            <!doctype html><title>{{$title}}Runbook{{/title}}</title>
            <main>{{$content}}{{/content}}</main>
            {{>partials/footer}}
            """,
        "home.mustache": """
            {{<layout}}{{$title}}Home · {{name}}{{/title}}{{$content}}<p>Hello {{name}}</p>
            <ul>{{#steps}}<li>{{.}}</li>{{/steps}}</ul>{{/content}}{{/layout}}
            """,
        "partials/footer.mustache": "<footer>{{footer}}</footer>",
        "raw.mustache": "{{{html}}}|{{html}}",
    ]

    @Test func layoutPartialsAndSections() throws {
        let folder = try TemplateFolder(Self.site)
        defer { folder.remove() }
        let library = try TemplateLibrary(directory: folder.path)
        #expect(library.templateNames == ["home", "layout", "partials/footer", "raw"])
        let html = try library.render("home", ["name": "Ada", "steps": ["Preflight", "Backup"], "footer": "v2"] as [String: Any])
        #expect(html.contains("<title>Home · Ada</title>"))
        #expect(html.contains("<main><p>Hello Ada</p>\n<ul><li>Preflight</li><li>Backup</li></ul></main>"))
        #expect(html.contains("<footer>v2</footer>"))
    }

    @Test func valuesAreHTMLEscapedByDefault() throws {
        let folder = try TemplateFolder(Self.site)
        defer { folder.remove() }
        let library = try TemplateLibrary(directory: folder.path)
        let html = try library.render("home", ["name": "<script>alert('x')</script> & \"q\"", "steps": [String](), "footer": ""] as [String: Any])
        #expect(html.contains("Hello &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"))
        #expect(!html.contains("<script>"))
        #expect(try library.render("raw", ["html": "<b>"]) == "<b>|&lt;b&gt;")
    }

    @Test func structsRenderByTheirProperties() throws {
        struct Page { let name: String; let steps: [String]; let footer: String }
        let folder = try TemplateFolder(Self.site)
        defer { folder.remove() }
        let library = try TemplateLibrary(directory: folder.path)
        let html = try library.render("home", Page(name: "Grace", steps: ["Dry-run"], footer: "f"))
        #expect(html.contains("Hello Grace") && html.contains("<li>Dry-run</li>"))
    }

    @Test func responseIsHTML() throws {
        let folder = try TemplateFolder(Self.site)
        defer { folder.remove() }
        let library = try TemplateLibrary(directory: folder.path)
        let response = try library.response("raw", ["html": "x"], status: .notFound)
        #expect(response.status == .notFound)
        #expect(response.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(response.body.bytes == Array("x|x".utf8))
    }

    @Test func unknownTemplateIsAnError() throws {
        let folder = try TemplateFolder(Self.site)
        defer { folder.remove() }
        let library = try TemplateLibrary(directory: folder.path)
        let error = #expect(throws: TemplateError.self) { try library.render("nope", [String: String]()) }
        #expect(error?.kind == .notFound("nope"))
        #expect(error?.description.contains("nope.mustache") == true)
    }

    @Test func unclosedSectionNamesFileLineAndColumn() throws {
        let folder = try TemplateFolder(["ok.mustache": "fine", "pages/broken.mustache": "<h1>{{title}}</h1>\n<ul>\n  {{#items}}<li>{{.}}</li>\n</ul>\n"])
        defer { folder.remove() }
        let error = #expect(throws: TemplateError.self) { try TemplateLibrary(directory: folder.path) }
        #expect(error?.kind == .syntax)
        #expect(error?.file == "pages/broken.mustache")
        #expect(error?.line != nil && error?.column != nil)
        #expect(error?.message.contains("never closed") == true)
        #expect(error?.description.hasPrefix("template error at pages/broken.mustache:") == true)
    }

    @Test func mismatchedCloseNamesTheExactTag() throws {
        let folder = try TemplateFolder(["bad.mustache": "line one\n  {{#a}}x{{/b}}\n"])
        defer { folder.remove() }
        let error = #expect(throws: TemplateError.self) { try TemplateLibrary(directory: folder.path) }
        #expect(error?.kind == .syntax)
        #expect(error?.file == "bad.mustache")
        #expect(error?.line == 2)
        #expect(error?.column == 13)  // just after {{/b}}
        #expect(error?.message.contains("different name") == true)
    }

    @Test func unterminatedTag() throws {
        let folder = try TemplateFolder(["bad.mustache": "{{name"])
        defer { folder.remove() }
        let error = #expect(throws: TemplateError.self) { try TemplateLibrary(directory: folder.path) }
        #expect(error?.kind == .syntax)
        #expect(error?.line == 1)
    }

    @Test func missingPartialStopsLoading() throws {
        let folder = try TemplateFolder(["layout.mustache": "{{$content}}{{/content}}", "home.mustache": "{{<layout}}{{/layout}}\n<p>\n    {{> sidebar}}</p>"])
        defer { folder.remove() }
        let error = #expect(throws: TemplateError.self) { try TemplateLibrary(directory: folder.path) }
        #expect(error?.kind == .missingPartial("sidebar"))
        #expect(error?.file == "home.mustache")
        #expect(error?.line == 3)
        #expect(error?.column == 5)
    }

    @Test func missingLayoutStopsLoading() throws {
        let folder = try TemplateFolder(["home.mustache": "{{<layuot}}{{/layuot}}"])
        defer { folder.remove() }
        let error = #expect(throws: TemplateError.self) { try TemplateLibrary(directory: folder.path) }
        #expect(error?.kind == .missingPartial("layuot"))
    }

    @Test func missingFolder() {
        let error = #expect(throws: TemplateError.self) { try TemplateLibrary(directory: "/nonexistent/templates") }
        #expect(error?.kind == .directoryUnreadable)
        #expect(error?.description.contains("--templates") == true)
    }

    @Test func reloadOnlyInDevelopmentMode() throws {
        let folder = try TemplateFolder(["page.mustache": "v1 {{x}}"])
        defer { folder.remove() }
        let fixed = try TemplateLibrary(directory: folder.path)
        let live = try TemplateLibrary(directory: folder.path, reloadsChangedFiles: true)
        try folder.write("page.mustache", "v2 {{x}}")
        // Make the change visible even on file systems with coarse timestamps.
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(5)], ofItemAtPath: folder.path + "/page.mustache")
        #expect(try fixed.render("page", ["x": "a"]) == "v1 a")
        #expect(try live.render("page", ["x": "a"]) == "v2 a")
        try folder.write("extra.mustache", "new")
        #expect(try live.render("extra", [String: String]()) == "new")
    }

    @Test func theRepositoryTemplatesLoad() throws {
        // The real Templates/ folder must always load: a broken template would stop `runbook serve`.
        let root = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let templates = root.appendingPathComponent("Templates").path
        try #require(FileManager.default.fileExists(atPath: templates))
        let library = try TemplateLibrary(directory: templates)
        #expect(!library.templateNames.isEmpty)
    }
}
