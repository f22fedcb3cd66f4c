import ArgumentParser
import Firestore
import Foundation

/// `--config FILE`, `--env NAME` and `--json`, shared by every command that works on one
/// environment (`@OptionGroup var target: EnvironmentOptions`).
///
/// Resolving reads the configuration file (or the built-in dev/staging/production defaults),
/// applies `FIRESTORE_EMULATOR_HOST`, and builds the credentials and clients. Every problem on
/// the way is a `ConfigurationError`, so the command exits with status 2 before touching data.
struct EnvironmentOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Environments file (YAML, see runbook.example.yaml).",
        discussion: "Without it: dev, staging, production on tradeya-dev, tradeya-staging, tradeya-prod.",
        valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("The environment to work on, e.g. dev, staging or production.", valueName: "name"))
    var env: String

    @Flag(help: "Print the result as one JSON object on standard output.")
    var json = false

    func validate() throws {
        guard !env.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("--env needs an environment name, e.g. --env staging")
        }
    }

    /// The whole configuration, e.g. to list environments or walk staging then production.
    func configuration(processEnvironment: [String: String] = ProcessInfo.processInfo.environment) throws -> EnvironmentConfiguration {
        do {
            return try EnvironmentConfiguration.resolve(path: config, processEnvironment: processEnvironment)
        } catch {
            throw ConfigurationError("\(error)")
        }
    }

    /// The environment `--env` names.
    func environment(processEnvironment: [String: String] = ProcessInfo.processInfo.environment) throws -> FirestoreEnvironment {
        do {
            return try configuration(processEnvironment: processEnvironment).environment(named: env)
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError("\(error)")
        }
    }

    /// The environment with its credentials, `FirestoreClient` and `AdminClient`.
    /// A missing or bad key file, or an unset token variable, is a configuration error (exit 2).
    func connect(processEnvironment: [String: String] = ProcessInfo.processInfo.environment) throws -> EnvironmentConnection {
        let environment = try environment(processEnvironment: processEnvironment)
        do {
            return try EnvironmentConnection(environment: environment, processEnvironment: processEnvironment)
        } catch {
            throw ConfigurationError("environment \(environment.name): \(error)")
        }
    }
}
