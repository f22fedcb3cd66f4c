import Logging

extension EventLoop {
    /// Hands a request to the responder in a task of its own; the loop goes on serving others.
    ///
    /// The task starts on the loop thread (`Task.immediate`) and runs there until it first
    /// suspends: a handler that answers without waiting (a health check, a static file, a
    /// template) costs no thread hop and no wake-up. At its first suspension it moves to the
    /// server's handler threads and the loop goes on, so a handler that awaits (Firestore, an
    /// actor, a stream) never holds the loop. Synchronous work before that first `await` does run
    /// on the loop: a handler with long blocking work should await before it (or hand it off).
    func dispatch(_ request: HTTPRequest, keepAlive: Bool, on connection: Connection) {
        requestCounter &+= requestIDStride
        let context = RequestContext(
            requestID: String(requestCounter, radix: 16), remoteAddress: connection.remote,
            isSecure: connection.security?.isSecure ?? false, logger: logger)
        let id = connection.id
        Task.immediate(executorPreference: executor) {
            await self.respond(to: request, context: context, keepAlive: keepAlive, connectionID: id)
        }
    }

    func respond(to request: HTTPRequest, context: RequestContext, keepAlive: Bool, connectionID id: UInt64) async {
        var response: HTTPResponse
        do {
            response = try await responder.respond(to: request, context: context)
        } catch let error as any HTTPResponseError {
            response = error.response()
        } catch {
            logger.error("handler failed", metadata: ["request": "\(request.method) \(request.path)", "error": "\(error)"])
            response = HTTPError(.internalServerError, message: "The server failed to answer this request.").response()
        }
        let isSecure = context.isSecure
        let keepAlive = keepAlive && !isDraining.load(ordering: .relaxed)
        switch response.body {
        case .bytes(let body):
            let bytes = ResponseSerializer.serialize(
                response, body: body, requestMethod: request.method, version: request.version,
                keepAlive: keepAlive, isSecure: isSecure, date: date.current)
            post(.complete(id, bytes))
        case .stream(let stream):
            if request.method == .head {
                response.body = .empty
                let bytes = ResponseSerializer.serialize(
                    response, body: [], requestMethod: .head, version: request.version,
                    keepAlive: keepAlive, isSecure: isSecure, date: date.current)
                post(.complete(id, bytes))
                return
            }
            let chunked = request.version == .http1_1
            let writer = StreamWriter(loop: self, connectionID: id, chunked: chunked)
            let head = ResponseSerializer.streamHead(
                response, version: request.version, keepAlive: keepAlive, isSecure: isSecure, date: date.current)
            post(.streamStarted(id, head, writer))
            do {
                try await stream.produce(writer)
            } catch is StreamClosedError {
                // The client left; nothing more to send.
            } catch {
                logger.error("response stream failed", metadata: ["request": "\(request.method) \(request.path)", "error": "\(error)"])
                post(.streamFinished(id, [], close: true))
                return
            }
            post(.streamFinished(id, chunked ? ResponseSerializer.lastChunk : [], close: !chunked || !keepAlive))
        }
    }
}
