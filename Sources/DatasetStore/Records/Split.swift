/// A dataset split. Images of one group key always share a split.
public enum Split: String, Sendable, Codable, CaseIterable {
    case train, val, test
}
