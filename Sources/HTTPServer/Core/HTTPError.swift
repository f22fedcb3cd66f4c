/// An error that knows the response it stands for, so a handler can `throw` a 404 or a 422 and the
/// server renders it instead of a 500. Other errors still become a 500 with no detail leaked.
public protocol HTTPResponseError: Error {
    func response() -> HTTPResponse
}

/// A status with a message for the client. The message is plain text and must be safe to show.
public struct HTTPError: HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: HTTPStatus
    public var message: String
    public var headers: HTTPHeaders

    public init(_ status: HTTPStatus, message: String? = nil, headers: HTTPHeaders = HTTPHeaders()) {
        self.status = status
        self.message = message ?? status.reasonPhrase
        self.headers = headers
    }

    public func response() -> HTTPResponse {
        var response = HTTPResponse.text(message + "\n", status: status)
        for field in headers { response.headers.replaceOrAdd(name: field.name, value: field.value) }
        return response
    }

    public var description: String { "\(status): \(message)" }
}
