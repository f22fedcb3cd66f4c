import Logging

/// A key for a value other layers attach to the request context (a session, the signed-in user,
/// the CSRF token). The key type, not a string, names the slot, so lookups stay typed.
///
/// ```swift
/// enum SessionKey: RequestContextKey { typealias Value = Session }
/// extension RequestContext {
///     var session: Session? { get { self[SessionKey.self] } set { self[SessionKey.self] = newValue } }
/// }
/// ```
public protocol RequestContextKey {
    associatedtype Value: Sendable
}

/// What the server knows about a request besides the request itself. A value: middleware that adds
/// to it passes its changed copy to `next`, so nothing leaks between requests.
public struct RequestContext: Sendable {
    /// Unique per request, also logged, so a user's report can be matched to the access log.
    public let requestID: String
    /// The peer as `address:port`.
    public let remoteAddress: String
    /// True when the connection is TLS.
    public let isSecure: Bool
    /// Path parameters the router matched (`/runs/:id` → `parameters["id"]`).
    public var parameters: Parameters
    public var logger: Logger
    private var storage: [ObjectIdentifier: any Sendable]

    public init(requestID: String, remoteAddress: String, isSecure: Bool, logger: Logger) {
        self.requestID = requestID
        self.remoteAddress = remoteAddress
        self.isSecure = isSecure
        self.parameters = Parameters()
        self.logger = logger
        self.storage = [:]
    }

    public subscript<Key: RequestContextKey>(key: Key.Type) -> Key.Value? {
        get { storage[ObjectIdentifier(key)] as? Key.Value }
        set { storage[ObjectIdentifier(key)] = newValue }
    }
}

/// Decoded path parameters by name.
public struct Parameters: Sendable, Sequence {
    private var values: [(String, String)] = []

    public init() {}

    public subscript(name: String) -> String? {
        values.first { $0.0 == name }?.1
    }

    /// Parses the parameter as `T` (e.g. `Int`), throwing a 400 that names it when it does not fit.
    public func require<T: LosslessStringConvertible>(_ name: String, as type: T.Type = T.self) throws -> T {
        guard let text = self[name] else {
            throw HTTPError(.badRequest, message: "Missing path parameter '\(name)'.")
        }
        guard let value = T(text) else {
            throw HTTPError(.badRequest, message: "Path parameter '\(name)' is '\(text)', which is not a valid \(T.self).")
        }
        return value
    }

    public mutating func set(_ name: String, _ value: String) {
        values.append((name, value))
    }

    public func makeIterator() -> IndexingIterator<[(String, String)]> { values.makeIterator() }
}
