import Testing
@testable import HTTPServer

@Suite("Server-sent event framing")
struct ServerSentEventTests {
    @Test("id, event, retry and multi-line data (LF, CRLF, CR)")
    func framing() {
        let event = ServerSentEvent(id: "7", event: "progress", data: "a\nb\r\nc\rd", retry: 1500)
        #expect(String(decoding: event.encoded(), as: UTF8.self) == "id: 7\nevent: progress\nretry: 1500\ndata: a\ndata: b\ndata: c\ndata: d\n\n")
    }

    @Test("empty data still frames an event; line breaks cannot forge fields")
    func injection() {
        #expect(String(decoding: ServerSentEvent(data: "").encoded(), as: UTF8.self) == "data: \n\n")
        let forged = ServerSentEvent(id: "1\nevent: admin", event: "x\ndata: y", data: "z")
        #expect(String(decoding: forged.encoded(), as: UTF8.self) == "id: 1event: admin\nevent: xdata: y\ndata: z\n\n")
        #expect(String(decoding: ServerSentEvent.comment("hi\nthere"), as: UTF8.self) == ": hithere\n\n")
    }
}
