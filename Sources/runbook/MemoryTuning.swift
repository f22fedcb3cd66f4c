import Glibc

/// Process-wide allocator settings, applied before any thread starts.
enum MemoryTuning {
    /// glibc gives threads their own malloc arenas (up to eight per core). The migration decodes
    /// pages of thousands of documents on whichever thread the concurrency pool picks and frees
    /// them on another, and every arena kept the freed memory it could not return: execute's peak
    /// RSS grew with the collection (230 MiB at 60,000 trades, 282 at 120,000, 297 at 200,000).
    /// One arena held it at 122 MiB for 60,000 and 121 for 120,000, at the same speed; two gave
    /// 172. So the batch commands use one (per-thread caches keep its lock cold); `serve`, whose
    /// loops and handler threads allocate at once, keeps glibc's default. `MALLOC_ARENA_MAX` in
    /// the environment still wins.
    static func limitMallocArenas(to count: Int32) {
        guard getenv("MALLOC_ARENA_MAX") == nil else { return }
        // Swift's Glibc module leaves out <malloc.h>, so mallopt is found by name.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }  // nil: RTLD_DEFAULT
        let M_ARENA_MAX: Int32 = -8
        _ = unsafeBitCast(symbol, to: Mallopt.self)(M_ARENA_MAX, count)
    }
}
