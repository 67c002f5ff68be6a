/// What an import did: records added, already present, and skipped (with the problems).
public struct ImportReport: Sendable, Codable, Equatable {
    public struct Counts: Sendable, Codable, Equatable {
        public var added = 0
        public var alreadyPresent = 0

        enum CodingKeys: String, CodingKey {
            case added
            case alreadyPresent = "already_present"
        }
    }

    public var format: String
    public var images = Counts()
    public var annotations = Counts()
    public var instructions = Counts()
    /// Records skipped, by reason (the text before any detail).
    public var skipped: [String: Int] = [:]
    /// The first problems in full (file, line, field, reason); `problemCount` counts them all.
    public var problems: [ImportProblem] = []
    public var problemCount = 0

    public init(format: String) { self.format = format }

    enum CodingKeys: String, CodingKey {
        case format, images, annotations, instructions, skipped, problems
        case problemCount = "problem_count"
    }

    /// Problems kept in full; the rest are only counted.
    static let problemsKept = 200

    mutating func record(_ problem: ImportProblem, category: String) {
        problemCount += 1
        skipped[category, default: 0] += 1
        if problems.count < Self.problemsKept { problems.append(problem) }
    }
}
