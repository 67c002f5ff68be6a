/// BERT's detokenization cleanup (spaces before punctuation and English contractions).
enum WordPieceCleanup {
    static let rules: [(String, String)] = [
        (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"), (" 'm", "'m"),
        (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
    ]

    static func apply(_ s: String) -> String {
        guard s.utf8.contains(0x20) else { return s }
        var scalars = Array(s.unicodeScalars)
        for (from, to) in rules {
            scalars = TextReplace.replace(scalars, pattern: Array(from.unicodeScalars), with: Array(to.unicodeScalars))
        }
        return String(scalars: scalars)
    }
}
