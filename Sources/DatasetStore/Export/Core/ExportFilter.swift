/// Which records an export takes. The defaults take every split, every kind and category,
/// pending and accepted records, and leave out model pre-labels that no one has reviewed and
/// anything rejected.
public struct ExportFilter: Sendable, Equatable {
    /// Only images in these splits (nil: all, including images without a split).
    public var splits: Set<Split>?
    /// Only reviewed records: instructions with status `accepted`, annotations `accepted` or
    /// `corrected`.
    public var acceptedOnly: Bool
    /// Also take model pre-labels (provenance `model`) still pending review.
    public var includePrelabels: Bool
    /// Only instructions of these kinds (nil: all).
    public var kinds: Set<InstructionKind>?
    /// Only instructions with at least one target of these category names (nil: all; when set,
    /// negatives, which have no target, are left out).
    public var categories: Set<String>?
    /// Only instructions whose every target has at least this many pixels.
    public var minimumArea: Double

    public init(splits: Set<Split>? = nil, acceptedOnly: Bool = false, includePrelabels: Bool = false,
                kinds: Set<InstructionKind>? = nil, categories: Set<String>? = nil, minimumArea: Double = 0) {
        self.splits = splits
        self.acceptedOnly = acceptedOnly
        self.includePrelabels = includePrelabels
        self.kinds = kinds
        self.categories = categories
        self.minimumArea = minimumArea
    }

    /// The filter as text, the same in every process (sets sorted): part of a resumable
    /// export's settings.
    var settings: String {
        "splits=" + (splits.map { $0.map(\.rawValue).sorted().joined(separator: ",") } ?? "all")
            + " accepted-only=\(acceptedOnly) prelabels=\(includePrelabels)"
            + " kinds=" + (kinds.map { $0.map(\.rawValue).sorted().joined(separator: ",") } ?? "all")
            + " categories=" + (categories.map { $0.sorted().joined(separator: ",") } ?? "all")
            + " min-area=\(minimumArea)"
    }

    /// Whether an annotation may appear in the export at all (as a target or an ignore region).
    func admits(_ annotation: ExportAnnotation) -> Bool {
        switch annotation.reviewState {
        case .rejected: return false
        case .accepted, .corrected: return true
        case .pending:
            if acceptedOnly { return false }
            return annotation.provenance != "model" || includePrelabels
        }
    }

    /// Whether an instruction, with its admitted targets, is exported. `storedTargetCount` is
    /// how many targets it has in the store: one left out by the filter drops the instruction
    /// (a partial answer would be a wrong one).
    func admits(_ instruction: ExportInstruction, storedTargetCount: Int) -> Bool {
        if instruction.status == .rejected { return false }
        if acceptedOnly && instruction.status != .accepted { return false }
        if let kinds, !kinds.contains(instruction.kind) { return false }
        if instruction.targets.count != storedTargetCount { return false }
        if let categories {
            guard instruction.targets.contains(where: { $0.categoryName.map(categories.contains) ?? false }) else { return false }
        }
        if minimumArea > 0, instruction.targets.contains(where: { $0.area < minimumArea }) { return false }
        return true
    }
}
