import ArgumentParser

/// Exit statuses every command shares (DESIGN.md), so CI pipelines can tell a failed operation
/// from a typo from a gate that said no.
enum ExitCodes {
    static let ok = ExitCode(0)
    /// The operation ran and failed (a failed dry-run or validation).
    static let operationFailed = ExitCode(1)
    /// Bad usage or configuration: nothing was attempted.
    static let usage = ExitCode(2)
    /// Refused by a gate or a lock.
    static let refused = ExitCode(3)
}

/// A configuration problem found before doing anything: exits with status 2 and this message.
struct ConfigurationError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
