import Firestore
import Foundation
import Testing

@Suite struct EnvironmentConfigurationTests {
    private func parseError(_ yaml: String) throws -> EnvironmentConfigurationError {
        try #require(throws: EnvironmentConfigurationError.self) {
            try EnvironmentConfiguration.parse(yaml: yaml, source: "/etc/runbook.yaml")
        }
    }

    @Test func defaultsAreTheThreeTradeYaProjects() throws {
        let defaults = EnvironmentConfiguration.defaults
        #expect(defaults.names == ["dev", "staging", "production"])
        #expect(defaults.environments.map(\.projectID) == ["tradeya-dev", "tradeya-staging", "tradeya-prod"])
        #expect(defaults.environments.map(\.isProtected) == [false, true, true])
        #expect(try defaults.environment(named: "production").databasePath == "projects/tradeya-prod/databases/(default)")
        let unknown = try #require(throws: EnvironmentConfigurationError.self) { try defaults.environment(named: "qa") }
        #expect(unknown.description.contains("\"qa\""))
        #expect(unknown.description.contains("dev, staging, production"))
    }

    @Test func emulatorHostSendsEveryEnvironmentToTheEmulatorUnderItsOwnProject() throws {
        let resolved = try EnvironmentConfiguration.resolve(path: nil, processEnvironment: ["FIRESTORE_EMULATOR_HOST": "127.0.0.1:8123"])
        #expect(resolved.environments.map(\.access) == Array(repeating: .emulator(host: "127.0.0.1:8123"), count: 3))
        #expect(resolved.environments.map(\.projectID) == ["tradeya-dev", "tradeya-staging", "tradeya-prod"])
        let untouched = try EnvironmentConfiguration.resolve(path: nil, processEnvironment: ["FIRESTORE_EMULATOR_HOST": " "])
        #expect(untouched == .defaults)
    }

    @Test func shippedExampleFileParses() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("runbook.example.yaml").path
        let configuration = try EnvironmentConfiguration.load(path: path)
        #expect(configuration.source == path)
        #expect(configuration.names == ["dev", "staging", "production"])
        let dev = try configuration.environment(named: "dev")
        #expect(dev.access == .emulator(host: "127.0.0.1:8080"))
        #expect(!dev.isProtected)
        let staging = try configuration.environment(named: "staging")
        let keyPath = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("secrets/staging-runbook.json").path
        #expect(staging.access == .serviceAccountKey(path: keyPath), "relative key paths resolve against the file")
        #expect(staging.rateLimits == .init(documentsPerSecond: 500, rampUp: true, maxConcurrency: 8))
        let production = try configuration.environment(named: "production")
        #expect(production.access == .applicationDefault)
        #expect(production.isProtected)
        #expect(production.rateLimits == .init(documentsPerSecond: 1000, rampUp: true, maxConcurrency: 16))
    }

    @Test func everyCredentialsForm() throws {
        let configuration = try EnvironmentConfiguration.parse(yaml: """
            environments:
              a: {project: project-a, credentials: metadata}
              b: {project: project-b, credentials: environment-token}
              c: {project: project-c, credentials: {metadataServer: "10.0.0.1:80"}}
              d: {project: project-d, credentials: {accessTokenEnv: MY_TOKEN}}
              e: {project: project-e, credentials: {serviceAccountKey: /keys/e.json}, database: other-db,
                  adminEndpoint: "http://127.0.0.1:9999"}
            """, source: nil)
        #expect(configuration.environments.map(\.access) == [
            .metadataServer(host: nil), .environmentToken(variable: "GOOGLE_OAUTH_ACCESS_TOKEN"),
            .metadataServer(host: "10.0.0.1:80"), .environmentToken(variable: "MY_TOKEN"), .serviceAccountKey(path: "/keys/e.json"),
        ])
        #expect(configuration.environments[4].databasePath == "projects/project-e/databases/other-db")
        #expect(configuration.environments[4].adminEndpoint == URL(string: "http://127.0.0.1:9999"))
    }

    @Test func unknownKeyNamesFileLineAndSuggestion() throws {
        let error = try parseError("""
            environments:
              staging:
                project: tradeya-staging
                protectd: true
            """)
        #expect(error.file == "/etc/runbook.yaml")
        #expect(error.line == 4)
        #expect(error.description.hasPrefix("/etc/runbook.yaml:4: "))
        #expect(error.problem.contains("unknown key \"protectd\""))
        #expect(error.problem.contains("did you mean \"protected\""))
    }

    @Test func wrongTypesAreReportedAtTheirLine() throws {
        let rate = try parseError("""
            environments:
              prod:
                project: tradeya-prod
                rateLimits:
                  docsPerSecond: fast
            """)
        #expect(rate.line == 5)
        #expect(rate.problem.contains("docsPerSecond must be a whole number"))
        #expect(rate.problem.contains("\"fast\""))

        let protected = try parseError("""
            environments:
              prod:
                project: tradeya-prod
                protected: "yes please"
            """)
        #expect(protected.line == 4)
        #expect(protected.problem.contains("protected must be true or false"))

        let environments = try parseError("environments:\n  - dev\n  - prod\n")
        #expect(environments.line == 2)
        #expect(environments.problem.contains("must be a mapping"))
    }

    @Test func missingOrInvalidProject() throws {
        let missing = try parseError("environments:\n  dev:\n    protected: false\n")
        #expect(missing.line == 3)
        #expect(missing.problem.contains("environment \"dev\" has no `project:`"))
        let invalid = try parseError("environments:\n  dev:\n    project: Tradeya Dev\n")
        #expect(invalid.line == 3)
        #expect(invalid.problem.contains("not a Google Cloud project ID"))
    }

    @Test func conflictingAndMalformedAccess() throws {
        let both = try parseError("""
            environments:
              dev:
                project: tradeya-dev
                emulator: 127.0.0.1:8080
                credentials: metadata
            """)
        #expect(both.line == 5)
        #expect(both.problem.contains("both `emulator` and `credentials`"))
        let host = try parseError("environments:\n  dev:\n    project: tradeya-dev\n    emulator: http://localhost\n")
        #expect(host.problem.contains("HOST:PORT"))
        let scalar = try parseError("environments:\n  dev:\n    project: tradeya-dev\n    credentials: magic\n")
        #expect(scalar.line == 4)
        #expect(scalar.problem.contains("\"magic\" is not one of"))
        let database = try parseError("environments:\n  dev:\n    project: tradeya-dev\n    database: Main_DB\n")
        #expect(database.line == 4)
        #expect(database.problem.contains("neither (default) nor a database ID"))
        let two = try parseError("environments:\n  dev:\n    project: tradeya-dev\n    credentials: {metadataServer: a, accessTokenEnv: B}\n")
        #expect(two.problem.contains("exactly one"))
    }

    @Test func syntaxErrorsDuplicatesAndEmptyFiles() throws {
        let syntax = try parseError("environments:\n  dev:\n    project: [unclosed\n")
        #expect(syntax.line != nil)
        #expect(syntax.problem.hasPrefix("YAML syntax"))
        let duplicate = try parseError("environments:\n  dev: {project: tradeya-dev}\n  dev: {project: tradeya-dev2}\n")
        #expect(duplicate.line != nil)
        #expect(duplicate.problem.contains("\"dev\" twice"))
        #expect(try parseError("").problem.contains("is empty"))
        #expect(try parseError("# only a comment\n").problem.contains("is empty"))
        #expect(try parseError("environments: {}\n").problem.contains("names no environment"))
        let top = try parseError("environment:\n  dev: {project: tradeya-dev}\n")
        #expect(top.line == 1)
        #expect(top.problem.contains("did you mean \"environments\""))
    }

    @Test func missingFileSaysWhatToDo() throws {
        let error = try #require(throws: EnvironmentConfigurationError.self) {
            try EnvironmentConfiguration.resolve(path: "/nonexistent/runbook.yaml", processEnvironment: [:])
        }
        #expect(error.description.hasPrefix("/nonexistent/runbook.yaml: file not found"))
    }
}
