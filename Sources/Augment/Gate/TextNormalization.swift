/// Text helpers shared by the gate and the rewriters.
public enum TextNormalization {
    /// Lower-cased words (letters, digits, apostrophes), punctuation dropped.
    public static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber || character == "'" {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// The text reduced for duplicate detection: lower case, words only, single spaces.
    public static func normalized(_ text: String) -> String { words(text).joined(separator: " ") }

    /// Whether `text` mentions `phrase` as whole words (singular or a simple plural).
    public static func mentions(_ text: String, phrase: String) -> Bool {
        let haystack = words(text)
        let needle = words(phrase)
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) {
            var matched = true
            for offset in 0..<needle.count {
                let word = haystack[start + offset], target = needle[offset]
                let last = offset == needle.count - 1
                if word == target || (last && (word == target + "s" || word == target + "es"
                    || (target.hasSuffix("y") && word == target.dropLast() + "ies"))) { continue }
                matched = false
                break
            }
            if matched { return true }
        }
        return false
    }

    /// Special tokens whose count a rewrite must keep.
    public static let structuralTokens = ["[SEG]", "<image>", "<im_start>", "<im_end>"]

    /// How many times each structural token occurs.
    public static func structure(_ text: String) -> [Int] {
        structuralTokens.map { text.components(separatedBy: $0).count - 1 }
    }
}
