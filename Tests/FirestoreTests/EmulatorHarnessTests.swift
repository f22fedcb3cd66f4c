import Foundation
@testable import FirestoreTesting
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

@Suite(.enabled(if: FirestoreEmulator.isAvailable, "no Cloud Firestore emulator installed"))
struct EmulatorHarnessTests {
    @Test func sharedEmulatorIsStartedOnceAndAnswers() async throws {
        async let a = FirestoreEmulator.shared()
        async let b = FirestoreEmulator.shared()
        let (first, second) = try await (a, b)
        #expect(first === second)
        let (data, _) = try await URLSession.shared.data(from: first.baseURL)
        #expect(String(decoding: data, as: UTF8.self).hasPrefix("Ok"))
    }

    @Test func projectIDsAreUniqueAndValid() async throws {
        let emulator = try await FirestoreEmulator.shared()
        let ids = (0..<1000).map { _ in emulator.newProjectID("Some Label_with.odd chars") }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(id.count <= 30 && id.count >= 6)
            #expect(id.first!.isLetter && id.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" })
        }
    }

    @Test(.enabled(if: FirestoreEmulator.canLaunch)) func privateEmulatorStopsWithItsJavaChild() async throws {
        let emulator = try await FirestoreEmulator.launch()
        let pid = try #require(emulator.pid)
        // The launcher script's java child lives in the same process group.
        #expect(kill(-pid, 0) == 0)
        emulator.stop()
        #expect(kill(-pid, 0) == -1 && errno == ESRCH, "a process of the emulator's group survived stop()")
        await #expect(throws: (any Error).self) { _ = try await URLSession.shared.data(from: emulator.baseURL) }
    }

    @Test func watchdogKillsTheGroupWhenItsOwnerGoesAway() throws {
        // A launcher whose child outlives it, like the emulator script and its java.
        let group = try ProcessGroup(executable: "/bin/sh", arguments: ["-c", "sleep 300 & wait"], logFile: "/dev/null")
        defer { group.stop(grace: 0) }
        #expect(kill(-group.pid, 0) == 0)
        group.closeWatchdogPipe()  // as if this test process had crashed
        let deadline = Date().addingTimeInterval(20)
        while kill(-group.pid, 0) == 0, Date() < deadline {
            var status: Int32 = 0
            _ = waitpid(group.pid, &status, WNOHANG)
            usleep(50_000)
        }
        #expect(kill(-group.pid, 0) == -1, "the watchdog left the process group running")
    }
}

/// A child the harness starts keeps none of this process's descriptors beyond 0, 1 and 2: a pipe
/// another test made at the same moment must not stay open in a long-lived emulator.
@Suite struct SpawnedChildDescriptorTests {
    @Test func aSpawnedChildInheritsNoOtherDescriptor() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("spawn-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let pid = try ProcessGroup.spawn("/bin/sh", ["-c", "ls /proc/$$/fd; sleep 0.2"], stdin: nil, output: log)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let listed = try String(contentsOfFile: log, encoding: .utf8).split(whereSeparator: \.isNewline).compactMap { Int32($0) }
        #expect(!listed.contains(fds[0]) && !listed.contains(fds[1]), "inherited \(listed)")
        #expect(listed.allSatisfy { $0 <= 3 }, "descriptors in the child: \(listed)")  // 3: the one `ls` opens
    }
}
