/// Supplies the `Authorization` header value for every Firestore and Admin API request.
///
/// One provider per environment, chosen by configuration (emulator, service-account key, metadata
/// server, token from the environment). Implementations cache tokens and refresh them once for
/// concurrent callers; they never log or embed the secret in an error.
public protocol AccessTokenProvider: Sendable {
    /// The full header value, e.g. `Bearer ya29…`, or `Bearer owner` for the emulator.
    func authorizationHeader() async throws -> String
}
