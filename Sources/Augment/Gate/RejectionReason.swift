import Foundation

/// Why the gate refused a candidate.
public enum RejectionReason: String, Sendable, Codable, CaseIterable {
    case empty
    case tooLong = "too_long"
    case duplicateOfSource = "duplicate_of_source"
    case duplicateOfCandidate = "duplicate_of_candidate"
    case meaningDrift = "meaning_drift"
    case leaksClassName = "leaks_class_name"
    case lostStructure = "lost_structure"
    /// A generated query that is not closer to its target's class than to the image's other classes.
    case notSpecificToTarget = "not_specific_to_target"
}
