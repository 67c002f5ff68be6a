import DatasetStore
import Foundation
import GRDB
import Serialization

/// What a paraphrase (or query-writing) run did.
public struct AugmentReport: Sendable, Codable, Equatable {
    public var sources = 0
    public var candidates = 0
    public var accepted = 0
    public var alreadyPresent = 0
    public var rejected: [String: Int] = [:]
    public var backendFailures = 0
    public var failureExamples: [String] = []

    public init() {}

    enum CodingKeys: String, CodingKey {
        case sources, candidates, accepted, rejected
        case alreadyPresent = "already_present"
        case backendFailures = "backend_failures"
        case failureExamples = "failure_examples"
    }

    mutating func record(_ verdicts: [GateVerdict]) {
        candidates += verdicts.count
        for verdict in verdicts { if let reason = verdict.rejection { rejected[reason.rawValue, default: 0] += 1 } }
    }

    mutating func fail(_ error: AugmentError) {
        backendFailures += 1
        if failureExamples.count < 5 { failureExamples.append(error.description) }
    }
}
