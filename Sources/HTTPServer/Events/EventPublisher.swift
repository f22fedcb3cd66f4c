/// Topics that many clients subscribe to. Each topic numbers its events and keeps the last
/// `historyLimit` of them, so a client that reconnects with `Last-Event-ID` gets what it missed.
/// Delivery never waits for a client: the server's per-connection bound disconnects a slow one.
public actor EventPublisher {
    struct Topic {
        var nextID = 1
        var history: [(id: Int, bytes: [UInt8])] = []
        var historyStart = 0
        var subscribers: [Int: any ResponseBodyWriter] = [:]
    }

    public let historyLimit: Int
    public let retryMilliseconds: Int
    var topics: [String: Topic] = [:]
    var nextSubscriberID = 0

    public init(historyLimit: Int = 256, retryMilliseconds: Int = 2000) {
        self.historyLimit = historyLimit
        self.retryMilliseconds = retryMilliseconds
    }

    /// Numbers the event, keeps it in the topic's history and sends it to every subscriber.
    /// Returns the id it was given.
    @discardableResult
    public func publish(topic name: String, event: String? = nil, data: String) -> Int {
        var topic = topics[name] ?? Topic()
        let id = topic.nextID
        topic.nextID += 1
        let bytes = ServerSentEvent(id: String(id), event: event, data: data).encoded()
        topic.history.append((id, bytes))
        if topic.history.count - topic.historyStart > historyLimit { topic.historyStart += 1 }
        if topic.historyStart > historyLimit {
            topic.history.removeFirst(topic.historyStart)
            topic.historyStart = 0
        }
        topic.subscribers = deliver(bytes, to: topic.subscribers)
        topics[name] = topic
        return id
    }

    /// Sends bytes that are not part of the history (a heartbeat comment) to a topic's subscribers.
    public func broadcast(topic name: String, raw bytes: [UInt8]) {
        guard var topic = topics[name] else { return }
        topic.subscribers = deliver(bytes, to: topic.subscribers)
        topics[name] = topic
    }

    /// Sends a comment to every subscriber of every topic.
    public func heartbeat() {
        let bytes = ServerSentEvent.comment("heartbeat")
        for name in topics.keys { broadcast(topic: name, raw: bytes) }
    }

    private func deliver(_ bytes: [UInt8], to subscribers: [Int: any ResponseBodyWriter]) -> [Int: any ResponseBodyWriter] {
        var alive = subscribers
        for (id, writer) in subscribers {
            do { try writer.write(bytes) } catch { alive[id] = nil }
        }
        return alive
    }

    /// Registers a writer; first sends the retry hint and, when `lastEventID` is given, every
    /// event after it still in the history. Done inside the actor, so no event is missed or doubled.
    func subscribe(topic name: String, writer: any ResponseBodyWriter, lastEventID: Int?) throws -> Int {
        var topic = topics[name] ?? Topic()
        var first = Array("retry: \(retryMilliseconds)\n\n".utf8)
        if let lastEventID {
            for entry in topic.history[topic.historyStart...] where entry.id > lastEventID {
                first.append(contentsOf: entry.bytes)
            }
        }
        try writer.write(first)
        nextSubscriberID += 1
        topic.subscribers[nextSubscriberID] = writer
        topics[name] = topic
        return nextSubscriberID
    }

    func unsubscribe(topic name: String, id: Int) {
        topics[name]?.subscribers[id] = nil
    }

    /// How many clients are subscribed to a topic right now.
    public func subscriberCount(topic name: String) -> Int {
        topics[name]?.subscribers.count ?? 0
    }

    /// A `text/event-stream` response subscribed to `topic`, replaying after the request's
    /// `Last-Event-ID`. On server shutdown the stream ends with `finalEvent`.
    public nonisolated func response(
        topic: String, request: HTTPRequest,
        finalEvent: ServerSentEvent = ServerSentEvent(event: "shutdown", data: "server stopping")
    ) -> HTTPResponse {
        let lastEventID = request.headers["Last-Event-ID"].flatMap { Int($0.trimmingCharacters()) }
        let headers: HTTPHeaders = [
            "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache", "X-Accel-Buffering": "no",
        ]
        return HTTPResponse(
            status: .ok, headers: headers,
            body: .stream(
                ResponseBodyStream { writer in
                    let id = try await self.subscribe(topic: topic, writer: writer, lastEventID: lastEventID)
                    let end = await writer.waitForEnd()
                    await self.unsubscribe(topic: topic, id: id)
                    if end == .serverShutdown { try? writer.write(finalEvent.encoded()) }
                }))
    }
}
