import Foundation

/// The emulator's credentials: `Bearer owner`, which the emulator treats as an admin so that
/// security rules do not apply (Google's own clients send the same).
public struct EmulatorTokenProvider: AccessTokenProvider, CustomStringConvertible {
    public init() {}
    public func authorizationHeader() async throws -> String { "Bearer owner" }
    public var description: String { "emulator (Bearer owner)" }
}

/// An access token handed over through the environment, e.g.
/// `GOOGLE_OAUTH_ACCESS_TOKEN=$(gcloud auth print-access-token)`, for people who have `gcloud`
/// but no key file. It is not refreshed: such tokens live about an hour.
public struct EnvironmentTokenProvider: AccessTokenProvider, CustomStringConvertible {
    public static let defaultVariable = "GOOGLE_OAUTH_ACCESS_TOKEN"

    public let variable: String
    private let token: String

    /// Fails with a message naming the variable when it is unset or blank.
    public init(environment: [String: String], variable: String = EnvironmentTokenProvider.defaultVariable) throws {
        let value = environment[variable]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !value.isEmpty else {
            throw CredentialsError(
                source: "$\(variable)",
                problem: "is not set or empty; run `export \(variable)=$(gcloud auth print-access-token)`")
        }
        guard !value.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            throw CredentialsError(source: "$\(variable)", problem: "contains whitespace; it must hold exactly one access token")
        }
        self.variable = variable
        token = value
    }

    public func authorizationHeader() async throws -> String { "Bearer \(token)" }

    public var description: String { "access token from $\(variable)" }
}
