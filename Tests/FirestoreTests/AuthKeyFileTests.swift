import Foundation
import Testing
@testable import Firestore

/// Bad key files fail at load time with the file's path and what is wrong, and never echo the key.
@Suite struct AuthKeyFileTests {
    private let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("auth-keyfile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    private func write(_ text: String, name: String = "key.json") throws -> String {
        let path = directory.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The error for `path`, checked to name the file.
    private func loadError(_ path: String) throws -> CredentialsError {
        let error = try #require(throws: CredentialsError.self) { try ServiceAccountKey.load(path: path) }
        #expect(error.source == path)
        #expect(error.description.contains(path))
        return error
    }

    @Test func missingFileNamesPathAndVariable() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = try loadError(directory.appendingPathComponent("absent.json").path)
        #expect(error.problem.contains("does not exist"))
        #expect(error.problem.contains("GOOGLE_APPLICATION_CREDENTIALS"))
    }

    @Test func directoryIsRefused() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try loadError(directory.path).problem.contains("directory"))
    }

    @Test func malformedJSON() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try write("{\"type\": \"service_account\", \"private_key\": \"-----BEGIN")
        #expect(try loadError(path).problem.contains("not valid JSON"))
    }

    @Test func wrongTypeExplainsWhatToUseInstead() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try write(#"{"type": "authorized_user", "client_id": "x", "refresh_token": "1//secret-refresh"}"#)
        let error = try loadError(path)
        #expect(error.problem.contains("authorized_user"))
        #expect(error.problem.contains("GOOGLE_OAUTH_ACCESS_TOKEN"))
        #expect(!error.description.contains("secret-refresh"))
    }

    @Test func missingPrivateKeyField() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try write(#"{"type": "service_account", "client_email": "a@b.iam.gserviceaccount.com"}"#)
        #expect(try loadError(path).problem.contains("\"private_key\""))
    }

    @Test func garbagePrivateKeyIsReportedWithoutEchoingIt() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let secret = "-----BEGIN PRIVATE KEY-----\\nTOPSECRETMATERIAL\\n-----END PRIVATE KEY-----\\n"
        let path = try write(#"{"type": "service_account", "client_email": "a@b.iam.gserviceaccount.com", "private_key": "\#(secret)"}"#)
        let error = try loadError(path)
        #expect(error.problem.contains("not a PEM private key"))
        #expect(!error.description.contains("TOPSECRETMATERIAL"))
    }

    @Test func nonRSAKeyIsRefused() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let pemPath = directory.appendingPathComponent("ec.pem").path
        try runOpenSSL(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", pemPath])
        let pem = try String(contentsOfFile: pemPath, encoding: .utf8)
        let json = try JSONSerialization.data(withJSONObject: [
            "type": "service_account", "client_email": "a@b.iam.gserviceaccount.com", "private_key": pem,
        ])
        let path = directory.appendingPathComponent("ec.json").path
        try json.write(to: URL(fileURLWithPath: path))
        #expect(try loadError(path).problem.contains("not an RSA key"))
    }

    @Test func validKeyDescriptionShowsAccountNotKey() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let account = try TestServiceAccount(tokenURI: "https://oauth2.example.test/token")
        defer { account.remove() }
        let key = try ServiceAccountKey.load(path: account.keyFilePath)
        #expect(key.clientEmail == account.clientEmail)
        #expect(key.projectID == "tradeya-test")
        let body = account.privateKeyPEM.split(separator: "\n")[1]
        var dumped = ""
        dump(key, to: &dumped)
        for text in [key.description, String(describing: key), String(reflecting: key), dumped, "\(ServiceAccountTokenProvider(key: key))"] {
            #expect(!text.contains(body), "key material leaked into \(text)")
            #expect(text.contains(account.clientEmail))
        }
    }

    @Test func environmentTokenProvider() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = try #require(throws: CredentialsError.self) { try EnvironmentTokenProvider(environment: [:]) }
        #expect(missing.description.contains("GOOGLE_OAUTH_ACCESS_TOKEN"))
        #expect(throws: CredentialsError.self) { try EnvironmentTokenProvider(environment: ["GOOGLE_OAUTH_ACCESS_TOKEN": "  "]) }
        let provider = try EnvironmentTokenProvider(environment: ["GOOGLE_OAUTH_ACCESS_TOKEN": "ya29.abc\n"])
        #expect(try await provider.authorizationHeader() == "Bearer ya29.abc")
        #expect(!provider.description.contains("ya29"))
        var dumped = ""
        dump(provider, to: &dumped)
        dump(AccessToken(value: "ya29.secret", expiresAt: Date()), to: &dumped)
        #expect(!dumped.contains("ya29"))
        #expect(!String(reflecting: provider).contains("ya29"))
        #expect(try await EmulatorTokenProvider().authorizationHeader() == "Bearer owner")
    }
}
