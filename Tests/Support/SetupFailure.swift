/// A failure in a test's own setup (a missing executable, a process that would not start, a file that could not be
/// written), as opposed to an assertion about the product.
public struct SetupFailure: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) { self.description = description }
}
