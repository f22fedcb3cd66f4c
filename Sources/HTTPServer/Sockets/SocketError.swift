import Glibc

/// A failed system call, with the call's name and `errno`, so "address already in use" reads as
/// such instead of as a bare number.
public struct SocketError: Error, Sendable, CustomStringConvertible {
    public let operation: String
    public let errno: Int32
    public let detail: String

    public init(_ operation: String, errno: Int32 = Glibc.errno, detail: String = "") {
        self.operation = operation
        self.errno = errno
        self.detail = detail
    }

    public var description: String {
        let reason = String(cString: strerror(errno))
        return detail.isEmpty ? "\(operation) failed: \(reason) (errno \(errno))" : "\(operation) \(detail) failed: \(reason) (errno \(errno))"
    }
}
