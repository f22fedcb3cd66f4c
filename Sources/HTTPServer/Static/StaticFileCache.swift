import Synchronization

/// Files kept in memory, keyed by their request path segments, bounded in total bytes.
final class StaticFileCache: Sendable {
    private let state: Mutex<(files: [String: StaticFile], bytes: Int)>
    private let maxBytes: Int

    init(maxBytes: Int) {
        self.maxBytes = maxBytes
        state = Mutex(([:], 0))
    }

    subscript(segments: [String]) -> StaticFile? {
        get { state.withLock { $0.files[segments.joined(separator: "/")] } }
        set {
            let key = segments.joined(separator: "/")
            state.withLock { state in
                let old = state.files[key].map { $0.bytes.count + ($0.gzipped?.count ?? 0) } ?? 0
                guard let newValue else {
                    state.files[key] = nil
                    state.bytes -= old
                    return
                }
                let size = newValue.bytes.count + (newValue.gzipped?.count ?? 0)
                guard state.bytes - old + size <= maxBytes else { return }
                state.files[key] = newValue
                state.bytes += size - old
            }
        }
    }
}
