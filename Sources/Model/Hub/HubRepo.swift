/// A validated Hub repo id (`owner/name` or `name`) and its cache folder name.
public struct HubRepo: Sendable, Hashable, CustomStringConvertible {
    public let id: String

    /// Accepts ids whose parts use letters, digits, `-`, `_`, `.` (not `.`/`..`, not starting
    /// with `-`/`.`), so the id can go into URLs and cache paths unchanged.
    public init(_ id: String) throws(HubError) {
        let parts = id.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy(HubRepo.validPart) else { throw .invalidRepo(id) }
        self.id = id
    }

    private static func validPart(_ part: Substring) -> Bool {
        guard let first = part.first, first != "-", first != ".", part.count <= 96 else { return false }
        return part.unicodeScalars.allSatisfy { c in
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "-" || c == "_" || c == "."
        }
    }

    /// `models--owner--name`, the `huggingface_hub` cache folder of this repo.
    public var cacheFolderName: String { "models--" + id.replacingOccurrences(of: "/", with: "--") }

    public var description: String { id }
}
