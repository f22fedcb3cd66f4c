import Foundation

/// Names the calling thread for the kernel (`top -H`, perf, gdb, `/proc/*/task/*/comm`).
///
/// Foundation's `Thread.name` does not reach the kernel on Linux, and a new thread inherits its
/// creator's name, so without this every server thread is called after whatever thread started
/// it. Swift's Glibc module leaves out `pthread_setname_np` and variadic `prctl`; writing the
/// thread's own `comm` file is the same call. Names longer than 15 bytes are cut by the kernel.
enum ThreadName {
    static func set(_ name: String) {
        guard let file = FileHandle(forWritingAtPath: "/proc/thread-self/comm") else { return }
        defer { try? file.close() }
        try? file.write(contentsOf: Data(name.utf8.prefix(15)))
    }

    /// Starts a server thread (1 MiB stack) that carries `name` for Foundation and the kernel.
    static func startThread(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread {
            set(name)
            body()
        }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }
}
