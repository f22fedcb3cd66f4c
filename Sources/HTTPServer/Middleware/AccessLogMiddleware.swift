import Glibc
import Logging

/// Logs one line per request through swift-log: method, path, status, body size, duration,
/// request id and client. Errors thrown further down are logged with the status they render as.
public struct AccessLogMiddleware: Middleware {
    public let logger: Logger
    public let level: Logger.Level

    public init(logger: Logger, level: Logger.Level = .info) {
        self.logger = logger
        self.level = level
    }

    public func handle(_ request: HTTPRequest, context: RequestContext, next: NextResponder) async throws -> HTTPResponse {
        let start = monotonicNanoseconds()
        do {
            let response = try await next(request, context)
            log(request, context, status: response.status.code, size: response.body.bytes.map { "\($0.count)" } ?? "stream", start: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.response().status.code ?? 500
            log(request, context, status: status, size: "-", start: start)
            throw error
        }
    }

    func log(_ request: HTTPRequest, _ context: RequestContext, status: Int, size: String, start: UInt64) {
        let micros = (monotonicNanoseconds() - start) / 1000
        logger.log(
            level: level, "\(request.method) \(request.path) \(status)",
            metadata: [
                "request": "\(context.requestID)", "remote": "\(context.remoteAddress)",
                "bytes": "\(size)", "micros": "\(micros)",
            ])
    }
}
