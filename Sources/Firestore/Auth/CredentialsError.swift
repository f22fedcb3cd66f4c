import Foundation

/// Credentials that cannot be used, found before any request is sent.
///
/// It names the file or variable and says what to do; it never carries the key or token itself,
/// so it is safe to print, log and return from an API.
public struct CredentialsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where the credentials came from: a file path or an environment variable name.
    public var source: String
    /// What is wrong and what to do about it.
    public var problem: String

    public init(source: String, problem: String) {
        self.source = source
        self.problem = problem
    }

    public var description: String { "credentials \(source): \(problem)" }
}

/// An OAuth access token and the moment it stops working.
///
/// Its `description` hides the secret so a token can be logged or interpolated by mistake
/// without leaking.
public struct AccessToken: Sendable, Equatable, CustomStringConvertible {
    public var value: String
    public var expiresAt: Date

    public init(value: String, expiresAt: Date) {
        self.value = value
        self.expiresAt = expiresAt
    }

    public var description: String { "AccessToken(<redacted>, expires \(expiresAt))" }
}

/// `dump()` and debuggers walk stored properties through `Mirror`, bypassing `description`;
/// these mirrors show only what is safe to print.
extension AccessToken: CustomReflectable {
    public var customMirror: Mirror { Mirror(self, children: ["expiresAt": expiresAt], displayStyle: .struct) }
}

extension EnvironmentTokenProvider: CustomReflectable {
    public var customMirror: Mirror { Mirror(self, children: ["variable": variable], displayStyle: .struct) }
}

extension ServiceAccountKey: CustomReflectable {
    public var customMirror: Mirror {
        Mirror(self, children: ["clientEmail": clientEmail, "tokenURI": tokenURI, "source": source], displayStyle: .struct)
    }
}
