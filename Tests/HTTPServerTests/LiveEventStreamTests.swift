import Foundation
import Testing
@testable import HTTPServer

@Suite("Server-sent events over loopback", .serialized)
struct LiveEventStreamTests {
    func subscribe(_ live: LiveServer, topic: String, lastEventID: Int? = nil) async throws -> RawClient {
        let client = try live.client()
        let resume = lastEventID.map { "Last-Event-ID: \($0)\r\n" } ?? ""
        try await client.send("GET /events/\(topic) HTTP/1.1\r\nHost: t\r\n\(resume)\r\n")
        let head = try await client.readResponse(bodyless: true)
        #expect(head.status == 200)
        #expect(head.headers["Content-Type"] == "text/event-stream; charset=utf-8")
        #expect(head.headers["Transfer-Encoding"] == "chunked")
        #expect(try await client.readEventBlock() == ["retry: 2000"])
        return client
    }

    @Test("several clients on one topic each get every event, framed with id, event and data")
    func fanOut() async throws {
        let live = try LiveServer.start()
        defer { Task { await live.server.shutdown() } }
        var clients: [RawClient] = []
        for _ in 0..<5 { clients.append(try await subscribe(live, topic: "progress")) }
        try await live.waitFor("5 subscribers") { await live.publisher.subscriberCount(topic: "progress") == 5 }
        await live.publisher.publish(topic: "progress", event: "step", data: "one\ntwo")
        await live.publisher.publish(topic: "other", data: "not for them")
        await live.publisher.publish(topic: "progress", data: "three")
        for client in clients {
            #expect(try await client.readEventBlock() == ["id: 1", "event: step", "data: one", "data: two"])
            #expect(try await client.readEventBlock() == ["id: 2", "data: three"])
        }
    }

    @Test("a client that reconnects with Last-Event-ID gets what it missed, from the bounded history")
    func replay() async throws {
        let live = try LiveServer.start()
        defer { Task { await live.server.shutdown() } }
        for i in 1...8 { await live.publisher.publish(topic: "t", data: "e\(i)") }
        let resumed = try await subscribe(live, topic: "t", lastEventID: 6)
        #expect(try await resumed.readEventBlock() == ["id: 7", "data: e7"])
        #expect(try await resumed.readEventBlock() == ["id: 8", "data: e8"])
        try await live.waitFor("subscriber") { await live.publisher.subscriberCount(topic: "t") == 1 }
        await live.publisher.publish(topic: "t", data: "e9")
        #expect(try await resumed.readEventBlock() == ["id: 9", "data: e9"])
        // History holds the last 5 (ids 5...9): an id older than that replays what is left.
        let old = try await subscribe(live, topic: "t", lastEventID: 1)
        #expect(try await old.readEventBlock() == ["id: 5", "data: e5"])
    }

    @Test("a client that stops reading is cut off; the others keep getting events")
    func slowClient() async throws {
        let live = try LiveServer.start { $0.streamBufferLimit = 64 * 1024 }
        defer { Task { await live.server.shutdown() } }
        let slow = try live.client()
        slow.shrinkReceiveBuffer()
        try await slow.send("GET /events/bulk HTTP/1.1\r\nHost: t\r\n\r\n")
        let fast = try await subscribe(live, topic: "bulk")
        try await live.waitFor("2 subscribers") { await live.publisher.subscriberCount(topic: "bulk") == 2 }
        // Loopback socket buffers can absorb a few MiB before the server's own queue grows, so
        // publish until the server gives up on the slow client (bounded at 40 MiB).
        let payload = String(repeating: "p", count: 8 * 1024)
        var published = 0
        while published < 5000 {
            published += 1
            await live.publisher.publish(topic: "bulk", data: payload)
            let block = try await fast.readEventBlock()
            #expect(block.first == "id: \(published)")
            if published % 20 == 0, await live.publisher.subscriberCount(topic: "bulk") == 1 { break }
        }
        #expect(published < 5000, "the slow client was never cut off")
        // The fast client still gets what follows.
        await live.publisher.publish(topic: "bulk", data: "after")
        #expect(try await fast.readEventBlock() == ["id: \(published + 1)", "data: after"])
        // The slow client sees the stream end (EOF or reset) once it drains what was buffered.
        slow.setTimeout(2)
        var sawEnd = false
        for _ in 0..<10_000 {
            guard let more = try? await slow.fill() else { break }
            if !more {
                sawEnd = true
                break
            }
        }
        #expect(sawEnd)
    }

    @Test("graceful shutdown: in-flight request completes, streams get a final event, new clients are refused")
    func gracefulShutdown() async throws {
        let live = try LiveServer.start()
        let stream = try await subscribe(live, topic: "run")
        try await live.waitFor("subscriber") { await live.publisher.subscriberCount(topic: "run") == 1 }
        let busy = try live.client()
        try await busy.send("GET /slow?ms=400 HTTP/1.1\r\nHost: t\r\n\r\n")
        try await Task.sleep(for: .milliseconds(100))
        let shutdown = Task { await live.server.shutdown() }
        let response = try await busy.readResponse()
        #expect(response.text == "slow 400")
        #expect(response.headers["Connection"] == "close")
        #expect(try await stream.readEventBlock() == ["event: shutdown", "data: server stopping"])
        await shutdown.value
        await #expect(throws: (any Error).self) { try await live.client().request("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n") }
    }
}
