import Firestore

/// The brief's staging-then-production pipeline as one call: deploy to each environment in order,
/// wait until its indexes are READY, and stop at the first environment that fails, so production
/// never gets an index set that did not build on staging.
public struct IndexRollout: Sendable {
    /// One environment's outcome.
    public struct Stage: Sendable, Codable, Equatable {
        public var environment: String
        public var deploy: DeployReport?
        /// Present when waiting was asked for (or nothing could be deployed).
        public var verification: IndexVerification?
        /// The Admin API call that failed, if one did.
        public var error: String?

        public init(environment: String, deploy: DeployReport? = nil, verification: IndexVerification? = nil, error: String? = nil) {
            self.environment = environment
            self.deploy = deploy
            self.verification = verification
            self.error = error
        }

        public var succeeded: Bool {
            error == nil && (deploy?.succeeded ?? true)
                && (verification.map { $0.status != .notReady } ?? true)
        }
    }

    public var stages: [IndexPipeline]
    public var prune: Bool
    public var wait: Bool
    public var timeout: Duration

    public init(stages: [IndexPipeline], prune: Bool = false, wait: Bool = true, timeout: Duration = .seconds(3600)) {
        self.stages = stages
        self.prune = prune
        self.wait = wait
        self.timeout = timeout
    }

    /// Runs the stages in order; the result holds one entry per stage attempted.
    public func run(_ file: IndexFile) async -> [Stage] {
        var results: [Stage] = []
        for pipeline in stages {
            var stage = Stage(environment: pipeline.environment)
            do {
                stage.deploy = try await pipeline.deploy(file, prune: prune)
                if wait, stage.deploy?.succeeded == true {
                    stage.verification = try await pipeline.waitUntilReady(file, timeout: timeout)
                }
            } catch {
                stage.error = error.description
            }
            results.append(stage)
            if !stage.succeeded { break }
        }
        return results
    }
}
