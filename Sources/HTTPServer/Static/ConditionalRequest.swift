import Glibc

/// The validators of one representation, and the conditional-request rules of RFC 9110 §13.
struct Validators: Sendable {
    /// Strong entity tags, quoted: the identity form and, when there is one, the gzip form.
    var etags: [String]
    /// Seconds since the epoch, truncated to whole seconds as HTTP dates are.
    var lastModified: Int

    /// True when the client's copy is current and a 304 should go back instead of the body.
    /// `If-None-Match` wins over `If-Modified-Since` when both are sent (§13.2.2).
    func notModified(_ headers: HTTPHeaders) -> Bool {
        let inm = headers.values(for: "If-None-Match")
        if !inm.isEmpty {
            for value in inm {
                for tag in value.split(separator: ",") {
                    var tag = tag.trimmingASCIIWhitespace()
                    if tag == "*" { return true }
                    if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }  // weak comparison for GET
                    if etags.contains(where: { $0 == tag }) { return true }
                }
            }
            return false
        }
        if let since = headers["If-Modified-Since"], let date = HTTPDateParser.parse(since) {
            return lastModified <= date
        }
        return false
    }
}

/// Parses IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the only form clients send today; an
/// obsolete or malformed date yields nil and the condition is ignored, as RFC 9110 requires.
enum HTTPDateParser {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func parse(_ text: String) -> Int? {
        let b = Array(text.utf8)
        guard b.count == 29, b[3] == UInt8(ascii: ","), b[4] == 32, b[7] == 32, b[11] == 32, b[16] == 32,
            b[19] == UInt8(ascii: ":"), b[22] == UInt8(ascii: ":"), b[25] == 32,
            String(decoding: b[26..<29], as: UTF8.self) == "GMT"
        else { return nil }
        func number(_ range: Range<Int>) -> Int32? {
            var n: Int32 = 0
            for i in range {
                guard b[i] >= 48 && b[i] <= 57 else { return nil }
                n = n * 10 + Int32(b[i] - 48)
            }
            return n
        }
        guard let day = number(5..<7), let year = number(12..<16), let hour = number(17..<19),
            let minute = number(20..<22), let second = number(23..<25),
            let month = months.firstIndex(of: String(decoding: b[8..<11], as: UTF8.self)),
            (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = Int32(month)
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        return Int(timegm(&parts))
    }
}
