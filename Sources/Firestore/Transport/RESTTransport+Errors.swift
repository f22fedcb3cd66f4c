import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension RESTTransport {
    func failure(_ code: FirestoreError.Code, _ message: String, _ operation: String, status: Int? = nil) -> FirestoreError {
        FirestoreError(code: code, message: message, operation: operation, target: target, httpStatus: status)
    }

    /// Google's error body `{"error": {"code": 409, "message": "…", "status": "ABORTED"}}`, or a
    /// code derived from the HTTP status when the body is something else (a proxy's HTML page).
    func errorFromResponse(_ data: Data, status: Int, operation: String) -> FirestoreError {
        if let json = try? JSON.parse(data) {
            let error = json["error"] ?? json.arrayValue?.first?["error"]
            if let error { return decodeError(error, status: status, operation: operation) }
        }
        return failure(RESTTransport.code(forHTTPStatus: status), "HTTP \(status): \(RESTTransport.snippet(data))", operation, status: status)
    }

    func decodeError(_ error: JSON, status: Int?, operation: String) -> FirestoreError {
        let httpStatus = status ?? error["code"]?.int64Value.map { Int($0) }
        let code = error["status"]?.stringValue.flatMap(FirestoreError.Code.init(rawValue:))
            ?? RESTTransport.code(forHTTPStatus: httpStatus ?? 500)
        let message = error["message"]?.stringValue ?? error.text
        return failure(code, message, operation, status: httpStatus)
    }

    /// The canonical mapping of HTTP status to gRPC code (google.rpc.Code).
    static func code(forHTTPStatus status: Int) -> FirestoreError.Code {
        switch status {
        case 400: .invalidArgument
        case 401: .unauthenticated
        case 403: .permissionDenied
        case 404: .notFound
        case 409: .aborted
        case 412: .failedPrecondition
        case 416: .outOfRange
        case 429: .resourceExhausted
        case 499: .cancelled
        case 501: .unimplemented
        case 502, 503: .unavailable
        case 504: .deadlineExceeded
        case 500..<600: .internal
        default: .unknown
        }
    }

    func mapTransportError(_ error: any Error, operation: String, deadline: Date) -> FirestoreError {
        if error is CancellationError || Task.isCancelled { return failure(.cancelled, "the call was cancelled", operation) }
        guard let urlError = error as? URLError else { return failure(.unknown, "\(error)", operation) }
        switch urlError.code {
        case .cancelled:
            return failure(.cancelled, "the call was cancelled", operation)
        case .timedOut:
            return failure(.deadlineExceeded, deadline.timeIntervalSinceNow <= 0.05
                ? "no answer before the deadline" : "the request timed out", operation)
        case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet:
            return failure(.unavailable, "cannot connect to \(baseURL.host ?? "the server"): \(urlError.localizedDescription)", operation)
        case .networkConnectionLost, .badServerResponse, .cannotParseResponse, .zeroByteResource, .resourceUnavailable:
            return failure(.unavailable, "the connection was lost before the whole answer arrived (\(urlError.localizedDescription))", operation)
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateNotYetValid,
            .serverCertificateHasUnknownRoot, .clientCertificateRejected:
            return failure(.unavailable, "TLS failed: \(urlError.localizedDescription)", operation)
        default:
            return failure(.unavailable, "network error \(urlError.code.rawValue): \(urlError.localizedDescription)", operation)
        }
    }

    static func snippet(_ data: Data) -> String {
        let text = String(decoding: data.prefix(200), as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
        return data.isEmpty ? "(empty body)" : (data.count > 200 ? text + "…" : text)
    }
}
