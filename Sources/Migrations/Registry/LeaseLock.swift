import Firestore
import Foundation
import Logging

/// The per-environment lease document that keeps two runs off one database.
///
/// Taken and renewed with preconditions (create-if-absent, or the exact updateTime read), so two
/// contenders cannot both win; a heartbeat renews it every third of its time to live, and a run
/// that loses it stops at its next request.
public actor LeaseLock {
    public static let path = "_runbook/migrationLease"
    let client: FirestoreClient
    let ttl: Double
    let logger: Logger
    private var held: Lease?
    private var heldUpdateTime: Timestamp?
    private var heartbeat: Task<Void, Never>?
    private var onLost: RunControl?
    /// Set when a heartbeat found the lease gone or taken.
    public private(set) var lost: String?

    public init(client: FirestoreClient, ttl: Double, logger: Logger = Logger(label: "runbook.lease")) {
        self.client = client
        self.ttl = ttl
        self.logger = logger
    }

    /// The lease currently stored, if any.
    public func current() async throws -> Lease? {
        try await read()?.lease
    }

    /// Takes the lease for `candidate` or throws ``RefusedError`` naming the holder.
    /// A run that loses the lease (its heartbeat finds another holder) is aborted through `onLost`.
    public func acquire(runID: String, who: String, operation: String, onLost: RunControl? = nil) async throws {
        self.onLost = onLost
        for _ in 0..<5 {
            let now = Date()
            let candidate = Lease(runID: runID, holder: who, host: Lease.currentHost, pid: getpid(), operation: operation, acquiredAt: now, ttl: ttl)
            let existing = try await read()
            let precondition: Precondition
            switch Lease.decide(existing: existing?.lease, candidate: candidate, now: now) {
            case .acquire:
                precondition = existing.map { .updateTime($0.updateTime) } ?? .exists(false)
            case .renew:
                precondition = .updateTime(existing!.updateTime)
            case .takeOver(let previous, let reason):
                logger.warning("taking over the migration lease of run \(previous.runID) held by \(previous.holder) on \(previous.host): \(reason)")
                precondition = .updateTime(existing!.updateTime)
            case .refuse(let holder):
                throw RefusedError("the migration lease of this database is held by run \(holder.runID) (\(holder.operation), \(holder.holder) on \(holder.host), pid \(holder.pid)) until \(holder.expiresAt) unless renewed; wait for it to finish, or, if it crashed, for the lease to expire")
            }
            do {
                let result = try await client.commit([Write.set(Self.path, Self.fields(candidate), precondition: precondition)])
                held = candidate
                heldUpdateTime = result.writeResults.first?.updateTime
                lost = nil
                startHeartbeat()
                return
            } catch {
                // Someone else moved first: decide again on what is there now.
                guard [.failedPrecondition, .alreadyExists, .notFound].contains(error.code) else { throw error }
            }
        }
        throw RefusedError("could not take the migration lease: it kept changing under us (another run is starting)")
    }

    /// Gives the lease up (only if it is still ours).
    public func release() async {
        heartbeat?.cancel()
        heartbeat = nil
        guard held != nil, let updateTime = heldUpdateTime else { return }
        _ = try? await client.commit([Write.delete(Self.path, precondition: .updateTime(updateTime))])
        held = nil
    }

    /// Renews the lease now; records ``lost`` when it is no longer ours.
    public func renew() async {
        guard var lease = held, let updateTime = heldUpdateTime else { return }
        let now = Date()
        lease.heartbeatAt = now
        lease.expiresAt = now.addingTimeInterval(ttl)
        do {
            let result = try await client.commit([Write.set(Self.path, Self.fields(lease), precondition: .updateTime(updateTime))])
            held = lease
            heldUpdateTime = result.writeResults.first?.updateTime
        } catch {
            if error.code == .failedPrecondition || error.code == .notFound {
                lost = "the lease was taken by another run"
                logger.error("lost the migration lease: stopping at the next request")
                await onLost?.abort()
            } else {
                logger.warning("lease heartbeat failed: \(error); retrying")
            }
        }
    }

    private func startHeartbeat() {
        heartbeat?.cancel()
        let interval = ttl / 3
        heartbeat = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(interval * 1e9))
                if Task.isCancelled { return }
                await self?.renew()
            }
        }
    }

    private func read() async throws -> (lease: Lease, updateTime: Timestamp)? {
        guard let document = try await client.get(Self.path), let updateTime = document.updateTime else { return nil }
        let f = document.fields
        var lease = Lease(runID: f["runId"]?.stringValue ?? "", holder: f["holder"]?.stringValue ?? "",
                          host: f["host"]?.stringValue ?? "", pid: Int32(f["pid"]?.integerValue ?? 0),
                          operation: f["operation"]?.stringValue ?? "",
                          acquiredAt: f["acquiredAt"]?.timestampValue?.date ?? .distantPast, ttl: 0)
        lease.heartbeatAt = f["heartbeatAt"]?.timestampValue?.date ?? .distantPast
        lease.expiresAt = f["expiresAt"]?.timestampValue?.date ?? .distantPast
        return (lease, updateTime)
    }

    static func fields(_ lease: Lease) -> [String: Value] {
        ["runId": .string(lease.runID), "holder": .string(lease.holder), "host": .string(lease.host),
         "pid": .integer(Int64(lease.pid)), "operation": .string(lease.operation),
         "acquiredAt": .timestamp(Timestamp(lease.acquiredAt)), "heartbeatAt": .timestamp(Timestamp(lease.heartbeatAt)),
         "expiresAt": .timestamp(Timestamp(lease.expiresAt))]
    }
}
