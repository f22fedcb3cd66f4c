import Foundation

/// The environments a runbook can target, from the user's configuration file or the defaults.
public struct EnvironmentConfiguration: Sendable, Equatable {
    /// In file order.
    public var environments: [FirestoreEnvironment]
    /// The file they came from, or `nil` for the built-in defaults.
    public var source: String?

    public init(environments: [FirestoreEnvironment], source: String?) {
        self.environments = environments
        self.source = source
    }

    /// With no file: `dev`, `staging`, `production` on `tradeya-dev`, `tradeya-staging` and
    /// `tradeya-prod`; staging and production are protected.
    public static let defaults = EnvironmentConfiguration(
        environments: [
            FirestoreEnvironment(name: "dev", projectID: "tradeya-dev"),
            FirestoreEnvironment(name: "staging", projectID: "tradeya-staging", isProtected: true),
            FirestoreEnvironment(name: "production", projectID: "tradeya-prod", isProtected: true),
        ],
        source: nil)

    public var names: [String] { environments.map(\.name) }

    /// The environment called `name`, or an error listing the ones that exist.
    public func environment(named name: String) throws -> FirestoreEnvironment {
        if let found = environments.first(where: { $0.name == name }) { return found }
        let from = source.map { "in \($0)" } ?? "(no configuration file: built-in defaults)"
        throw EnvironmentConfigurationError(
            file: source, line: nil,
            problem: "no environment named \"\(name)\" \(from); known: \(names.joined(separator: ", "))")
    }

    /// Every environment sent to the emulator at `FIRESTORE_EMULATOR_HOST` when it is set, each
    /// under its own project ID, as Google's own clients do.
    public func applyingEmulatorOverride(_ processEnvironment: [String: String]) -> EnvironmentConfiguration {
        guard let host = processEnvironment["FIRESTORE_EMULATOR_HOST"]?.trimmingCharacters(in: .whitespaces), !host.isEmpty
        else { return self }
        var copy = self
        for index in copy.environments.indices {
            copy.environments[index].access = .emulator(host: host)
        }
        return copy
    }

    /// Reads `path` when given (an error if it is missing), otherwise the defaults; then applies
    /// `FIRESTORE_EMULATOR_HOST`. This is what the command line and the server call.
    public static func resolve(path: String?, processEnvironment: [String: String]) throws -> EnvironmentConfiguration {
        let configuration = try path.map { try load(path: $0) } ?? .defaults
        return configuration.applyingEmulatorOverride(processEnvironment)
    }

    /// Reads and validates a YAML configuration file.
    public static func load(path: String) throws -> EnvironmentConfiguration {
        guard FileManager.default.fileExists(atPath: path) else {
            throw EnvironmentConfigurationError(
                file: path, line: nil, problem: "file not found; copy runbook.example.yaml and edit it, or omit --config for the defaults")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EnvironmentConfigurationError(file: path, line: nil, problem: "cannot be read; check its permissions")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw EnvironmentConfigurationError(file: path, line: nil, problem: "is not UTF-8 text")
        }
        return try parse(yaml: text, source: path)
    }
}

/// A configuration file that cannot be used: the file, the line and what to change.
public struct EnvironmentConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String?
    public var line: Int?
    public var problem: String

    public init(file: String?, line: Int?, problem: String) {
        self.file = file
        self.line = line
        self.problem = problem
    }

    public var description: String {
        switch (file, line) {
        case let (file?, line?): "\(file):\(line): \(problem)"
        case let (file?, nil): "\(file): \(problem)"
        case let (nil, line?): "line \(line): \(problem)"
        case (nil, nil): problem
        }
    }
}
