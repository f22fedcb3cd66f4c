import Foundation

/// A Google service-account JSON key, as downloaded from the Cloud console.
///
/// Loading checks everything a token request will need, so a bad file fails at start-up with the
/// file's path and the field at fault rather than as an opaque 400 from Google later. The private
/// key is handed to OpenSSL and not kept as text; `description` shows only the account.
public struct ServiceAccountKey: Sendable, CustomStringConvertible {
    public var clientEmail: String
    public var projectID: String?
    public var privateKeyID: String?
    /// Where the JWT is exchanged for an access token (the key's `token_uri`).
    public var tokenURI: URL
    /// Where the key was read from, for messages.
    public var source: String
    let signer: RS256Signer

    public var description: String { "ServiceAccountKey(\(clientEmail) from \(source))" }

    /// Reads and validates a key file.
    public static func load(path: String) throws -> ServiceAccountKey {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CredentialsError(source: path, problem: "the key file does not exist; check the path or GOOGLE_APPLICATION_CREDENTIALS")
        }
        guard !isDirectory.boolValue else {
            throw CredentialsError(source: path, problem: "is a directory, not a JSON key file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CredentialsError(source: path, problem: "the key file cannot be read (permissions?); make it readable by this user")
        }
        return try parse(data, source: path)
    }

    /// Validates key JSON already in memory; `source` names it in errors.
    public static func parse(_ data: Data, source: String) throws -> ServiceAccountKey {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw CredentialsError(source: source, problem: "is not valid JSON; a service-account key is the JSON file the Cloud console downloads")
        }
        guard let fields = object as? [String: Any] else {
            throw CredentialsError(source: source, problem: "is JSON but not an object; expected a service-account key")
        }
        guard let type = fields["type"] as? String else {
            throw CredentialsError(source: source, problem: "has no \"type\" field; expected \"type\": \"service_account\"")
        }
        guard type == "service_account" else {
            let hint = type == "authorized_user"
                ? "user credentials from `gcloud auth application-default login` are not supported; use a service-account key, or set GOOGLE_OAUTH_ACCESS_TOKEN from `gcloud auth print-access-token`"
                : "expected \"service_account\""
            throw CredentialsError(source: source, problem: "has type \"\(type)\": \(hint)")
        }
        func required(_ name: String) throws -> String {
            guard let value = fields[name] as? String, !value.isEmpty else {
                throw CredentialsError(source: source, problem: "is missing the \"\(name)\" field (or it is not a string); download a new key")
            }
            return value
        }
        let email = try required("client_email")
        let pem = try required("private_key")
        let tokenURIText = (fields["token_uri"] as? String) ?? "https://oauth2.googleapis.com/token"
        guard let tokenURI = URL(string: tokenURIText), let scheme = tokenURI.scheme, ["https", "http"].contains(scheme),
              tokenURI.host != nil
        else {
            throw CredentialsError(source: source, problem: "\"token_uri\" is not an http(s) URL")
        }
        let signer = try RS256Signer(pem: pem, source: source)
        return ServiceAccountKey(
            clientEmail: email,
            projectID: fields["project_id"] as? String,
            privateKeyID: fields["private_key_id"] as? String,
            tokenURI: tokenURI,
            source: source,
            signer: signer)
    }

    /// A signed JWT asking for `scopes`, valid for an hour from `now` (Google's maximum).
    public func signedAssertion(scopes: [String], now: Date) throws -> String {
        let issuedAt = Int(now.timeIntervalSince1970)
        var header: [String: Any] = ["alg": "RS256", "typ": "JWT"]
        if let privateKeyID { header["kid"] = privateKeyID }
        let claims: [String: Any] = [
            "iss": clientEmail,
            "scope": scopes.joined(separator: " "),
            "aud": tokenURI.absoluteString,
            "iat": issuedAt,
            "exp": issuedAt + 3600,
        ]
        let headerPart = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes]).jwtBase64URL
        let claimsPart = try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys, .withoutEscapingSlashes]).jwtBase64URL
        let signingInput = "\(headerPart).\(claimsPart)"
        let signature = try signer.sign(Array(signingInput.utf8))
        return "\(signingInput).\(Data(signature).jwtBase64URL)"
    }
}
