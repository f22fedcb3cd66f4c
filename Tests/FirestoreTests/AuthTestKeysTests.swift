import Foundation
import Testing

/// A throwaway RSA key made by the `openssl` command line for one test, and the service-account
/// JSON file holding it. Keys are never committed: each test run generates its own.
struct TestServiceAccount {
    let directory: URL
    let privateKeyPEM: String
    let publicKeyPEM: String
    let publicKeyPath: String
    let keyFilePath: String
    let clientEmail: String

    init(tokenURI: String, clientEmail: String = "runbook-test@tradeya-test.iam.gserviceaccount.com") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("auth-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let privatePath = directory.appendingPathComponent("key.pem").path
        publicKeyPath = directory.appendingPathComponent("pub.pem").path
        try runOpenSSL(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", privatePath])
        try runOpenSSL(["pkey", "-in", privatePath, "-pubout", "-out", publicKeyPath])
        privateKeyPEM = try String(contentsOfFile: privatePath, encoding: .utf8)
        publicKeyPEM = try String(contentsOfFile: publicKeyPath, encoding: .utf8)
        self.clientEmail = clientEmail
        let key: [String: String] = [
            "type": "service_account",
            "project_id": "tradeya-test",
            "private_key_id": "0123456789abcdef",
            "private_key": privateKeyPEM,
            "client_email": clientEmail,
            "client_id": "1234567890",
            "token_uri": tokenURI,
        ]
        keyFilePath = directory.appendingPathComponent("service-account.json").path
        try JSONSerialization.data(withJSONObject: key, options: [.prettyPrinted]).write(to: URL(fileURLWithPath: keyFilePath))
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

struct CommandFailure: Error, CustomStringConvertible {
    var description: String
}

/// Runs `openssl` with arguments; returns its exit status and combined output.
@discardableResult
func runOpenSSL(_ arguments: [String], allowFailure: Bool = false) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["openssl"] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let output = String(decoding: data, as: UTF8.self)
    if process.terminationStatus != 0 && !allowFailure {
        throw CommandFailure(description: "openssl \(arguments.joined(separator: " ")) failed: \(output)")
    }
    return (process.terminationStatus, output)
}

/// Base64url (no padding) back to bytes.
func base64URLDecode(_ text: Substring) -> Data? {
    var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
    return Data(base64Encoded: base64)
}

/// A clock tests can move forward.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    init(start: Date = Date()) { current = start }
    var now: Date { lock.withLock { current } }
    func advance(by seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
}
