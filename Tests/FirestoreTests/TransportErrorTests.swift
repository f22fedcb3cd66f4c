import Foundation
@testable import Firestore
import FirestoreTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct TransportErrorTests {
    func client(_ server: MisbehavingServer, retry: RetryPolicy = RetryPolicy(maxAttempts: 4, initialBackoff: 0.01, maxBackoff: 0.05), timeout: TimeInterval = 120) -> FirestoreClient {
        FirestoreClient(projectID: "p", endpoint: server.baseURL, auth: nil, retry: retry, timeout: timeout)
    }

    func failure(_ body: () async throws -> Void) async -> FirestoreError? {
        do { try await body(); return nil } catch { return error as? FirestoreError }
    }

    @Test func nonJSONSuccessIsAClearErrorNamingOperationAndTarget() async throws {
        let server = try MisbehavingServer(.raw(MisbehavingServer.response(status: "200 OK", contentType: "text/html", body: "<html>proxy login</html>")))
        defer { server.stop() }
        let error = try #require(await failure { _ = try await client(server).get("trades/t1") })
        #expect(error.code == .unknown)
        #expect(error.message.contains("not JSON") && error.message.contains("<html>proxy login"))
        #expect(error.operation == "get trades/t1")
        #expect(error.target.contains("projects/p/databases/(default)") && error.target.contains("127.0.0.1:\(server.port)"))
    }

    @Test func htmlErrorPageMapsTheHTTPStatusAndIsRetried() async throws {
        let server = try MisbehavingServer(.raw(MisbehavingServer.response(status: "502 Bad Gateway", contentType: "text/html", body: "<h1>bad gateway</h1>")))
        defer { server.stop() }
        let error = try #require(await failure { _ = try await client(server).runQuery(StructuredQuery(collection: "c")) })
        #expect(error.code == .unavailable && error.httpStatus == 502 && error.message.contains("bad gateway"))
        #expect(server.requestCount == 4)
    }

    @Test func googleErrorBodyKeepsStatusAndMessageAndIsNotRetriedWhenPermanent() async throws {
        let body = #"{"error":{"code":400,"message":"Field 'x' is bad.","status":"INVALID_ARGUMENT"}}"#
        let server = try MisbehavingServer(.raw(MisbehavingServer.response(status: "400 Bad Request", body: body)))
        defer { server.stop() }
        let error = try #require(await failure { _ = try await client(server).commit([.set("a/b", [:])]) })
        #expect(error.code == .invalidArgument && error.message == "Field 'x' is bad." && error.httpStatus == 400)
        #expect(server.requestCount == 1)
    }

    @Test func transientFailuresAreRetriedThenSucceed() async throws {
        let unavailable = MisbehavingServer.response(
            status: "503 Service Unavailable", body: #"{"error":{"code":503,"message":"try later","status":"UNAVAILABLE"}}"#)
        let ok = MisbehavingServer.response(status: "200 OK", body: #"{"writeResults":[{}],"commitTime":"2024-01-01T00:00:00Z"}"#)
        let server = try MisbehavingServer(.failThenSucceed(failures: 2, failure: unavailable, success: ok))
        defer { server.stop() }
        let result = try await client(server).commit([.set("a/b", [:])])
        #expect(result.commitTime == Timestamp(seconds: 1_704_067_200))
        #expect(server.requestCount == 3)
    }

    @Test func connectionCutMidBodyIsUnavailableNotACrash() async throws {
        let server = try MisbehavingServer(.truncated(body: #"[{"document":{"name":"projects/p/databases/(default)/documents/c/1","fie"#, promised: 5000))
        defer { server.stop() }
        let error = try #require(await failure { _ = try await client(server).runQuery(StructuredQuery(collection: "c")) })
        #expect(error.code == .unavailable || error.code == .unknown, "\(error)")
        #expect(error.operation == "runQuery c")
    }

    @Test func refusedConnectionIsUnavailable() async throws {
        // A port that was just bound and closed: nothing listens there.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        close(fd)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let client = FirestoreClient(projectID: "p", endpoint: URL(string: "http://127.0.0.1:\(port)")!, auth: nil,
                                     retry: RetryPolicy(maxAttempts: 2, initialBackoff: 0.01), timeout: 60)
        let error = try #require(await failure { _ = try await client.get("a/b") })
        #expect(error.code == .unavailable && error.message.contains("connect"), "\(error)")
    }

    @Test func deadlineBoundsASilentServer() async throws {
        let server = try MisbehavingServer(.silent)
        defer { server.stop() }
        let started = Date()
        let error = try #require(await failure { _ = try await client(server, timeout: 1).get("a/b") })
        #expect(error.code == .deadlineExceeded, "\(error)")
        // A silent server would hold the call forever; the deadline ends it (slack for a busy CI machine).
        #expect(Date().timeIntervalSince(started) < 30)
    }

    @Test func cancellationStopsAWaitingCall() async throws {
        let server = try MisbehavingServer(.silent)
        defer { server.stop() }
        let client = client(server, timeout: 300)
        let task = Task { try await client.get("a/b") }
        try await Task.sleep(nanoseconds: 200_000_000)
        let started = Date()
        task.cancel()
        let error = try #require(await failure { _ = try await task.value })
        #expect(error.code == .cancelled, "\(error)")
        #expect(Date().timeIntervalSince(started) < 60, "cancellation waited for the 300 s deadline")
    }

    @Test func authFailureIsUnauthenticatedAndNamesNoSecret() async throws {
        struct Broken: AccessTokenProvider {
            struct Failure: Error, CustomStringConvertible { var description: String { "token endpoint said 400" } }
            func authorizationHeader() async throws -> String { throw Failure() }
        }
        let server = try MisbehavingServer(.silent)
        defer { server.stop() }
        let client = FirestoreClient(projectID: "p", endpoint: server.baseURL, auth: Broken(), retry: .none, timeout: 5)
        let error = try #require(await failure { _ = try await client.get("a/b") })
        #expect(error.code == .unauthenticated && error.message.contains("token endpoint said 400"))
        #expect(server.requestCount == 0)
    }
}

@Suite(.enabled(if: FirestoreEmulator.canLaunch, "no Cloud Firestore emulator installed"))
struct StoppedEmulatorTests {
    @Test func callsToAStoppedEmulatorFailWithUnavailable() async throws {
        let emulator = try await FirestoreEmulator.launch()
        let client = emulator.client(projectID: emulator.newProjectID("stopped"))
        _ = try await client.commit([.set("a/1", ["v": 1])])
        #expect(try await client.get("a/1")?.fields["v"] == 1)
        emulator.stop()
        let started = Date()
        do {
            _ = try await client.get("a/1")
            Issue.record("a read from a stopped emulator succeeded")
        } catch {
            #expect(error.code == .unavailable, "\(error)")
            #expect(error.target.contains(emulator.host))
        }
        #expect(Date().timeIntervalSince(started) < 30, "retries against a refused port should give up in seconds")
    }
}
