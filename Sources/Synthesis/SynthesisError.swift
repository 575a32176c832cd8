/// The one error type of the Synthesis module: what was wrong with the input, in words.
public struct SynthesisError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
