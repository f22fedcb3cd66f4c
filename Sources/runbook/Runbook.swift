import ArgumentParser
import Foundation
import Logging

/// The `runbook` command line. Each operation adds its subcommand to the list below.
@main
struct Runbook: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runbook",
        abstract: "Zero-downtime Cloud Firestore schema migrations as a gated runbook.",
        subcommands: [
            ServeCommand.self,
            BackupCommand.self,
            MigrateCommand.self, RollbackCommand.self, StatusCommand.self,
            SeedCommand.self,
            IndexesCommand.self,
        ]
    )

    /// Like ArgumentParser's own `main`, but usage and configuration errors exit with 2
    /// (DESIGN.md), not ArgumentParser's 64.
    static func main() async {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            return handler
        }
        do {
            var command = try parseAsRoot()
            // Before any thread starts: a batch command's pages must not spread over arenas.
            if !(command is ServeCommand) { MemoryTuning.limitMallocArenas(to: 1) }
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            Foundation.exit(ExitCodes.usage.rawValue)
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitCodes.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}
