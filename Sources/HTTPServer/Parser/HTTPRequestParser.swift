/// An incremental HTTP/1.1 request parser: a pure state machine fed bytes as they arrive, with no
/// I/O, so every rule is testable from string literals. It stops at each complete request; the
/// connection asks for the next one only after answering, which keeps pipelined answers in order.
///
/// ```swift
/// var parser = HTTPRequestParser()
/// parser.append(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
/// if case .request(let request)? = parser.next() { ... }
/// ```
public struct HTTPRequestParser: Sendable {
    struct Head: Sendable {
        var method: HTTPMethod
        var target: String
        var version: HTTPVersion
        var headers = HTTPHeaders()
        var headerBytes = 0
        var body: [UInt8] = []
        var expectContinue = false
    }

    enum State: Sendable {
        case requestLine
        case headers(Head)
        case body(Head, remaining: Int)
        case chunkSize(Head)
        case chunkData(Head, remaining: Int)
        case chunkDataEnd(Head)
        case trailers(Head)
        case failed(HTTPParseError)
    }

    public let limits: HTTPParserLimits
    var state: State = .requestLine
    var buffer: [UInt8] = []
    var index = 0

    public init(limits: HTTPParserLimits = HTTPParserLimits()) {
        self.limits = limits
    }

    /// Adds bytes read from the connection.
    public mutating func append(_ bytes: [UInt8]) {
        compactIfUseful()
        buffer.append(contentsOf: bytes)
    }

    /// Adds bytes read from the connection without an intermediate array.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compactIfUseful()
        buffer.append(contentsOf: bytes)
    }

    /// True when bytes of a request that is not complete yet have arrived (the header and body
    /// timeouts run only then; an idle keep-alive connection has none).
    public var hasPartialRequest: Bool {
        if case .requestLine = state { return index < buffer.count }
        if case .failed = state { return false }
        return true
    }

    /// True while the head is complete and the body is being read.
    public var isReadingBody: Bool {
        switch state {
        case .body, .chunkSize, .chunkData, .chunkDataEnd, .trailers: true
        default: false
        }
    }

    /// Bytes received but not consumed by a request yet (pipelined requests wait here).
    public var bufferedByteCount: Int { buffer.count - index }

    /// The next event, or nil when more bytes are needed. After `.failure` the parser stays failed.
    public mutating func next() -> HTTPParserEvent? {
        while true {
            switch state {
            case .failed(let error):
                return .failure(error)
            case .requestLine:
                guard let step = parseRequestLine() else { return nil }
                if let event = step { return event }
            case .headers(var head):
                state = .requestLine  // drop the enum's reference so appends do not copy
                switch parseHeaderLine(&head) {
                case .needMore:
                    state = .headers(head)
                    return nil
                case .continued:
                    state = .headers(head)
                case .failed(let error):
                    return fail(error)
                case .done:
                    if let event = finishHead(head) { return event }
                }
            case .body(var head, let remaining):
                state = .requestLine
                let available = min(remaining, buffer.count - index)
                head.body.append(contentsOf: buffer[index..<index + available])
                index += available
                if available == remaining { return complete(head) }
                state = .body(head, remaining: remaining - available)
                return nil
            case .chunkSize, .chunkData, .chunkDataEnd, .trailers:
                guard let event = parseChunked() else { return nil }
                return event
            }
        }
    }

    mutating func fail(_ error: HTTPParseError) -> HTTPParserEvent {
        state = .failed(error)
        buffer = []
        index = 0
        return .failure(error)
    }

    mutating func complete(_ head: Head) -> HTTPParserEvent {
        state = .requestLine
        let request = HTTPRequest(
            method: head.method, target: head.target, version: head.version, headers: head.headers, body: head.body)
        return .request(request)
    }

    /// Drops consumed bytes; releases a large buffer once it is empty so idle connections stay small.
    mutating func compactIfUseful() {
        guard index > 0 else { return }
        if index == buffer.count {
            if buffer.capacity > 16 * 1024 { buffer = [] } else { buffer.removeAll(keepingCapacity: true) }
            index = 0
        } else if index > 4096 && index * 2 > buffer.count {
            buffer.removeSubrange(0..<index)
            index = 0
        }
    }

    /// The index of the next LF at or after `from`, or nil.
    func findLF(from start: Int) -> Int? {
        var i = start
        while i < buffer.count {
            if buffer[i] == ASCII.lf { return i }
            i += 1
        }
        return nil
    }
}
