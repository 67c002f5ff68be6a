import Foundation

/// The gate's decision on one candidate.
public struct GateVerdict: Sendable, Equatable {
    public var text: String
    /// Cosine similarity to the source (or to the target class, for generated queries).
    public var score: Float?
    public var rejection: RejectionReason?
    public var accepted: Bool { rejection == nil }
}
