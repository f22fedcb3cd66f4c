import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process started in a process group of its own, so that stopping it also stops its
/// children (the emulator's launcher script runs `java` as a child, not with `exec`).
///
/// A watchdog shell, also in its own group, blocks reading a pipe whose only writer is this test
/// process: when the process ends in any way (normal exit, crash, SIGKILL) the pipe closes and the
/// watchdog kills the group. So no emulator outlives a test run.
final class ProcessGroup: Sendable {
    let pid: pid_t
    let watchdogPID: pid_t
    /// This process's end of the watchdog's socket; closing it (or dying) wakes the watchdog.
    private let watchdogPipe: LockedBox<Int32?>

    init(executable: String, arguments: [String], logFile: String) throws {
        pid = try ProcessGroup.spawn(executable, arguments, stdin: nil, output: logFile)
        var fds: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            kill(-pid, SIGKILL)
            throw EmulatorError.launchFailed("socketpair() failed: errno \(errno)")
        }
        // No `--` here: dash (Debian's /bin/sh) rejects it in `kill`, and the group would survive.
        let script = "read _; kill -TERM -\(pid) 2>/dev/null; sleep 3; kill -KILL -\(pid) 2>/dev/null"
        do {
            watchdogPID = try ProcessGroup.spawn("/bin/sh", ["-c", script], stdin: fds[0], output: "/dev/null")
        } catch {
            kill(-pid, SIGKILL)
            throw error
        }
        close(fds[0])
        watchdogPipe = LockedBox(fds[1])
        ProcessGroup.registerAtExit(pid)
    }

    /// True while the launched process has not exited (reaps it if it has).
    var isRunning: Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == 0
    }

    /// Stops the whole group: SIGTERM, then SIGKILL after `grace` seconds. Waits until it is gone.
    func stop(grace: TimeInterval = 5) {
        kill(-pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while kill(-pid, 0) == 0, Date() < deadline {
            var status: Int32 = 0
            _ = waitpid(pid, &status, WNOHANG)
            usleep(50_000)
        }
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        while kill(-pid, 0) == 0 { usleep(20_000) }
        closeWatchdogPipe()  // the watchdog wakes up, finds nothing to kill, exits
        _ = waitpid(watchdogPID, &status, 0)
        ProcessGroup.unregisterAtExit(pid)
    }

    /// What the watchdog sees when this process dies: its socket closes. For the harness's own test.
    func closeWatchdogPipe() {
        watchdogPipe.withLock { fd in
            if let open = fd { close(open) }
            fd = nil
        }
    }

    static func spawn(_ executable: String, _ arguments: [String], stdin: Int32?, output: String) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdin {
            posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of ours goes to the child: a pipe another test thread made at the same moment
        // (say, for an `openssl` run) would otherwise stay open in the emulator, and that test's
        // read would wait for an end of file that never comes (a CI run hung exactly so).
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, 3) }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard rc == 0 else { throw EmulatorError.launchFailed("cannot start \(executable): \(String(cString: strerror(rc)))") }
        return pid
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), looked up at run time: Swift's
    /// Glibc module does not declare it (it sits behind `_GNU_SOURCE`).
    private static let addCloseFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    // Groups still running at a normal exit get SIGKILL at once, without waiting for the watchdog.
    private static let live = LockedBox<Set<pid_t>>([])

    private static func registerAtExit(_ pid: pid_t) {
        let first = live.withLock { set -> Bool in
            defer { set.insert(pid) }
            return set.isEmpty && !atExitInstalled.withLock { installed in defer { installed = true }; return installed }
        }
        if first {
            atexit {
                for pid in ProcessGroup.live.withLock({ $0 }) { kill(-pid, SIGKILL) }
            }
        }
    }

    private static let atExitInstalled = LockedBox(false)

    private static func unregisterAtExit(_ pid: pid_t) {
        live.withLock { _ = $0.remove(pid) }
    }
}

/// A value behind a lock, for the little shared state the harness keeps.
final class LockedBox<T>: @unchecked Sendable {
    private var value: T
    private let lock = NSLock()
    init(_ value: T) { self.value = value }
    func withLock<R>(_ body: (inout T) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
