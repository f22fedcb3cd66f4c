import Foundation
import Glibc

/// Threads owned by the server that run request handlers (as a task executor preference), so
/// requests keep being answered when other code blocks Swift's global cooperative pool — which
/// has only as many threads as cores, two on the machines this runs on.
///
/// The threads live as long as the process: handler and stream tasks may still run after the
/// server stopped, and parked threads cost nothing but their stacks.
final class HandlerExecutor: TaskExecutor, @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var jobs: [UnownedJob] = []
    private var head = 0

    init(threads: Int, name: String) {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
        for index in 0..<max(1, threads) {
            ThreadName.startThread("\(name)-\(index)") { [self] in self.work() }
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        pthread_mutex_lock(mutex)
        jobs.append(job)
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    private func work() {
        while true {
            pthread_mutex_lock(mutex)
            while head == jobs.count { pthread_cond_wait(condition, mutex) }
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: jobs.capacity <= 4096)
                head = 0
            } else if head > 1024 && head * 2 > jobs.count {
                jobs.removeSubrange(0..<head)
                head = 0
            }
            pthread_mutex_unlock(mutex)
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
