import Foundation
import Mustache

extension TemplateLibrary {
    static let fileExtension = ".mustache"

    /// Parses every `.mustache` file under `directory`, then checks every partial and layout a
    /// template refers to exists.
    static func load(_ directory: String) throws -> Loaded {
        let files = try templateFiles(directory)
        var templates: [String: MustacheTemplate] = [:]
        var sources: [String: String] = [:]
        for relative in files {
            let path = directory + "/" + relative
            guard let data = FileManager.default.contents(atPath: path) else {
                throw TemplateError(.directoryUnreadable, file: relative, message: "cannot read \(path); check its permissions")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw TemplateError(.syntax, file: relative, message: "\(path) is not UTF-8 text")
            }
            do {
                templates[String(relative.dropLast(fileExtension.count))] = try MustacheTemplate(string: text)
            } catch let error as MustacheTemplate.ParserError {
                throw TemplateError.syntax(file: relative, error)
            }
            sources[relative] = text
        }
        let names = Set(templates.keys)
        for relative in files.sorted() {
            if let (name, line, column) = references(in: sources[relative]!).first(where: { !names.contains($0.name) }) {
                throw TemplateError(
                    .missingPartial(name), file: relative, line: line, column: column,
                    message: "refers to the template '\(name)', but there is no \(directory)/\(name)\(fileExtension)")
            }
        }
        return Loaded(library: MustacheLibrary(templates: templates), names: names, fingerprint: try fingerprint(directory))
    }

    /// Paths of the template files, relative to `directory`, sorted.
    static func templateFiles(_ directory: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw TemplateError(
                .directoryUnreadable,
                message: "the templates folder '\(directory)' does not exist; run from the repository root or pass --templates DIR")
        }
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else {
            throw TemplateError(.directoryUnreadable, message: "cannot list the templates folder '\(directory)'")
        }
        var files: [String] = []
        for case let path as String in enumerator where path.hasSuffix(fileExtension) {
            files.append(path)
        }
        return files.sorted()
    }

    /// Modification times of every template, to notice edits in development mode.
    static func fingerprint(_ directory: String) throws -> [String: Double] {
        var result: [String: Double] = [:]
        for file in try templateFiles(directory) {
            let attributes = try? FileManager.default.attributesOfItem(atPath: directory + "/" + file)
            result[file] = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        }
        return result
    }

    /// Names used by partial (`{{>name}}`, `{{>*dynamic}}` excluded) and parent (`{{<name}}`) tags,
    /// with their 1-based line and column. Assumes the default `{{ }}` delimiters.
    static func references(in text: String) -> [(name: String, line: Int, column: Int)] {
        var found: [(String, Int, Int)] = []
        let bytes = Array(text.utf8)
        var line = 1, lineStart = 0, i = 0
        while i + 2 < bytes.count {
            if bytes[i] == UInt8(ascii: "\n") {
                line += 1
                lineStart = i + 1
            } else if bytes[i] == UInt8(ascii: "{"), bytes[i + 1] == UInt8(ascii: "{"),
                bytes[i + 2] == UInt8(ascii: ">") || bytes[i + 2] == UInt8(ascii: "<")
            {
                var j = i + 3
                while j < bytes.count, bytes[j] == UInt8(ascii: " ") { j += 1 }
                let start = j
                while j < bytes.count, bytes[j] != UInt8(ascii: "}"), bytes[j] != UInt8(ascii: " ") { j += 1 }
                let name = String(decoding: bytes[start..<j], as: UTF8.self)
                if !name.isEmpty, !name.hasPrefix("*") {
                    found.append((name, line, i - lineStart + 1))
                }
                i = j
                continue
            }
            i += 1
        }
        return found
    }
}
