/// What a client's `Accept-Encoding` header allows (RFC 9110 §12.5.3), reduced to the one question
/// the server asks: may this response be gzip-encoded?
public enum AcceptEncoding {
    /// True when gzip has a q-value above zero, directly (`gzip`, `x-gzip`) or through `*` when
    /// gzip is not listed. `gzip;q=0` forbids it; a malformed q-value counts as 0, so an unclear
    /// header never gets a body the client might not decode.
    public static func allowsGzip(_ headers: HTTPHeaders) -> Bool {
        var gzipQ: Double?
        var wildcardQ: Double?
        for value in headers.values(for: "Accept-Encoding") {
            for element in value.split(separator: ",") {
                var parts = element.split(separator: ";").map { $0.trimmingASCIIWhitespace() }
                guard !parts.isEmpty else { continue }
                let coding = parts.removeFirst().lowercased()
                let q = qValue(parts)
                switch coding {
                case "gzip", "x-gzip": gzipQ = max(gzipQ ?? 0, q)
                case "*": wildcardQ = max(wildcardQ ?? 0, q)
                default: continue
                }
            }
        }
        if let gzipQ { return gzipQ > 0 }
        if let wildcardQ { return wildcardQ > 0 }
        return false
    }

    /// The `q` parameter: 1 when absent, 0 when malformed or out of range.
    static func qValue(_ parameters: [Substring]) -> Double {
        for parameter in parameters {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingASCIIWhitespace() }
            guard pair.count == 2, pair[0].lowercased() == "q" else { continue }
            guard let q = Double(pair[1]), q >= 0, q <= 1, pair[1].count <= 5 else { return 0 }
            return q
        }
        return 1
    }
}
