/// One server-sent event, framed per the WHATWG `text/event-stream` format.
public struct ServerSentEvent: Sendable, Equatable {
    public var id: String?
    public var event: String?
    public var data: String
    /// Reconnection delay hint for the browser, in milliseconds.
    public var retry: Int?

    public init(id: String? = nil, event: String? = nil, data: String, retry: Int? = nil) {
        self.id = id
        self.event = event
        self.data = data
        self.retry = retry
    }

    /// The wire form. Multi-line data becomes several `data:` lines (CR, LF and CRLF all split);
    /// line breaks in `id` and `event` would forge fields, so they are dropped.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.utf8.count + 32)
        if let id { field("id", id, into: &out) }
        if let event { field("event", event, into: &out) }
        if let retry { field("retry", String(retry), into: &out) }
        var line: [UInt8] = []
        var previousWasCR = false
        for byte in data.utf8 {
            if byte == 10 && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = byte == 13
            if byte == 10 || byte == 13 {
                dataLine(line, into: &out)
                line.removeAll(keepingCapacity: true)
            } else {
                line.append(byte)
            }
        }
        dataLine(line, into: &out)
        out.append(10)
        return out
    }

    private func field(_ name: String, _ value: String, into out: inout [UInt8]) {
        out.append(contentsOf: name.utf8)
        out.append(contentsOf: ": ".utf8)
        for byte in value.utf8 where byte != 10 && byte != 13 { out.append(byte) }
        out.append(10)
    }

    private func dataLine(_ line: [UInt8], into out: inout [UInt8]) {
        out.append(contentsOf: "data: ".utf8)
        out.append(contentsOf: line)
        out.append(10)
    }

    /// A comment line: ignored by browsers, keeps proxies and idle timers from closing the stream.
    public static func comment(_ text: String) -> [UInt8] {
        Array((": " + text.filter { $0 != "\n" && $0 != "\r" } + "\n\n").utf8)
    }
}
