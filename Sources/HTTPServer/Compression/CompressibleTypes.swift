/// Which media types are worth gzip: text and text-like formats. Images, fonts, archives and
/// video are already compressed; gzip would only cost CPU.
public enum CompressibleTypes {
    static let exact: Set<String> = [
        "application/json", "application/javascript", "application/xml", "application/xhtml+xml",
        "application/manifest+json", "application/ld+json", "application/x-ndjson", "application/wasm",
        "image/svg+xml", "image/x-icon", "application/rss+xml", "application/atom+xml",
    ]

    /// True for `text/*` (except `text/event-stream`, which must stream unbuffered) and the listed
    /// text-like types; parameters such as `; charset=utf-8` are ignored.
    public static func contains(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let type = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingASCIIWhitespace().lowercased() } ?? ""
        if type == "text/event-stream" { return false }
        if type.hasPrefix("text/") { return true }
        if type.hasSuffix("+json") || type.hasSuffix("+xml") { return true }
        return exact.contains(type)
    }
}
