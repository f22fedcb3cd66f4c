import Mustache

/// A template that cannot be loaded or rendered. Load errors carry the file, line and column so
/// start-up stops with a message that points at the exact tag to fix.
public struct TemplateError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The templates folder is missing or unreadable.
        case directoryUnreadable
        /// A template file is not valid Mustache.
        case syntax
        /// A template names a partial or layout (`{{> x}}`, `{{< x}}`) that no file provides.
        case missingPartial(String)
        /// `render` was asked for a template that was never loaded.
        case notFound(String)
    }

    public let kind: Kind
    /// Path of the file, relative to the templates folder (nil for `notFound`).
    public let file: String?
    public let line: Int?
    public let column: Int?
    public let message: String

    public init(_ kind: Kind, file: String? = nil, line: Int? = nil, column: Int? = nil, message: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var location = file ?? ""
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        return location.isEmpty ? "template error: \(message)" : "template error at \(location): \(message)"
    }

    /// Turns swift-mustache's parser error into ours, with a sentence instead of an enum case.
    static func syntax(file: String, _ error: MustacheTemplate.ParserError) -> TemplateError {
        let reason: String
        switch error.error {
        case MustacheTemplate.Error.sectionCloseNameIncorrect:
            reason = "a section closes with a different name than it opened with"
        case MustacheTemplate.Error.unfinishedName:
            reason = "a tag is not closed (missing '}}') or its name is empty"
        case MustacheTemplate.Error.expectedSectionEnd:
            reason = "a section is opened but never closed with {{/name}}"
        case MustacheTemplate.Error.invalidSetDelimiter:
            reason = "a set-delimiter tag is malformed"
        case MustacheTemplate.Error.transformAppliedToInheritanceSection:
            reason = "a transform cannot be applied to an inheritance section"
        case MustacheTemplate.Error.illegalTokenInsideInheritSection:
            reason = "only {{$block}} sections may appear inside a {{<layout}} section"
        case MustacheTemplate.Error.textInsideInheritSection:
            reason = "text outside a {{$block}} inside a {{<layout}} section"
        case MustacheTemplate.Error.invalidConfigVariableSyntax, MustacheTemplate.Error.unrecognisedConfigVariable:
            reason = "a {{% pragma}} tag is malformed or unknown"
        default:
            reason = "\(error.error)"
        }
        let context = error.context
        return TemplateError(
            .syntax, file: file, line: context.lineNumber, column: context.columnNumber,
            message: "\(reason), near '\(context.line.trimmingCharacters(in: .whitespaces))'")
    }
}
