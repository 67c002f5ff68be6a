/// The offline, deterministic `rules` rewriter: clause reordering, question ↔ request forms and
/// synonym substitution from a small curated lexicon (`RewriteLexicon`). The embedded default,
/// so the pipeline runs with no model at all. The same input and seed give the same rewrites.
public struct RulesParaphraser: Paraphraser {
    public var backend: String { "rules" }
    public var model: String? { "lexicon-v1" }
    public let seed: UInt64

    public init(seed: UInt64 = 0) { self.seed = seed }

    public func paraphrase(_ requests: [ParaphraseRequest]) async -> [Result<[String], AugmentError>] {
        requests.map { .success(rewrites(of: $0.text, count: $0.count)) }
    }

    /// Up to `count` distinct rewrites of `text`, different from it.
    public func rewrites(of text: String, count: Int) -> [String] {
        let source = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var results: [String] = []
        var seen: Set<String> = [TextNormalization.normalized(source)]
        for attempt in 0..<(count * 6 + 6) where results.count < count {
            var generator = SeededGenerator(seed: seed, key: "\(attempt)|\(source)")
            // Words first, then structure: the openings a structural rewrite adds ("Show me")
            // are never themselves rewritten.
            let structural = generator.next() % 4 != 0
            var candidate = Self.substituteSynonyms(source, probability: structural ? 3 : 2, &generator)
            if structural {
                if generator.next() % 2 == 0, let moved = Self.moveLeadingClause(candidate) { candidate = moved }
                if generator.next() % 3 != 0, let request = Self.questionToRequest(candidate, &generator) { candidate = request }
                else if let question = Self.requestToQuestion(candidate, &generator) { candidate = question }
            }
            let key = TextNormalization.normalized(candidate)
            if !key.isEmpty, seen.insert(key).inserted { results.append(candidate) }
        }
        return results
    }

    /// "After cooking, where can we throw away the scraps?" → "Where can we throw away the scraps after cooking?"
    static func moveLeadingClause(_ text: String) -> String? {
        guard let comma = text.range(of: ", "), let first = TextNormalization.words(text).first,
              RewriteLexicon.subordinators.contains(first) else { return nil }
        let clause = String(text[..<comma.lowerBound])
        var main = String(text[comma.upperBound...])
        guard !main.isEmpty, TextNormalization.words(clause).count <= 8 else { return nil }
        let punctuation = main.last.map { ".?!".contains($0) } == true ? String(main.removeLast()) : "."
        return capitalizeFirst(main) + " " + lowercaseFirst(clause) + punctuation
    }

    /// "Where can we X?" → "Show me where we can X." ; "What keeps food cold?" → "Point out what keeps food cold."
    static func questionToRequest(_ text: String, _ generator: inout SeededGenerator) -> String? {
        guard text.hasSuffix("?") else { return nil }
        var words = text.dropLast().split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard words.count >= 2, RewriteLexicon.questionWords.contains(words[0].lowercased()) else { return nil }
        // Undo the inversion: "can we" → "we can".
        if words.count >= 3, RewriteLexicon.auxiliaries.contains(words[1].lowercased()),
           RewriteLexicon.subjects.contains(words[2].lowercased()) {
            if ["do", "does", "did"].contains(words[1].lowercased()) {
                return nil // "Where do we X?" → "where we X" needs verb agreement: leave it
            }
            words.swapAt(1, 2)
        }
        words[0] = words[0].lowercased()
        let opening = RewriteLexicon.requestOpenings[generator.index(below: RewriteLexicon.requestOpenings.count)]
        return opening + " " + words.joined(separator: " ") + "."
    }

    /// "Find the red cup." → "Where is the red cup?"
    static func requestToQuestion(_ text: String, _ generator: inout SeededGenerator) -> String? {
        var words = text.split(separator: " ").map(String.init)
        guard words.count >= 2, RewriteLexicon.imperatives.contains(words[0].lowercased()) else { return nil }
        words.removeFirst()
        if words.first?.lowercased() == "me" { words.removeFirst() }
        var object = words.joined(separator: " ")
        while let last = object.last, ".!?".contains(last) { object.removeLast() }
        guard !object.isEmpty else { return nil }
        let form = RewriteLexicon.questionForms[generator.index(below: RewriteLexicon.questionForms.count)]
        return form.replacingOccurrences(of: "{x}", with: object)
    }

    /// Replaces lexicon phrases with a synonym, each occurrence with probability 1/`probability`.
    static func substituteSynonyms(_ text: String, probability: UInt64, _ generator: inout SeededGenerator) -> String {
        let tokens = tokenize(text)
        var output: [String] = []
        var index = 0
        let longest = RewriteLexicon.synonyms.keys.map { $0.split(separator: " ").count }.max() ?? 1
        while index < tokens.count {
            var replaced = false
            if tokens[index].isWord {
                for length in stride(from: longest, through: 1, by: -1) {
                    guard let words = wordRun(tokens, from: index, count: length) else { continue }
                    let phrase = words.text.lowercased()
                    guard let options = RewriteLexicon.synonyms[phrase], generator.next() % probability == 0 else { continue }
                    var choice = options[generator.index(below: options.count)]
                    if tokens[index].text.first?.isUppercase == true { choice = capitalizeFirst(choice) }
                    output.append(choice)
                    index = words.end
                    replaced = true
                    break
                }
            }
            if !replaced {
                output.append(tokens[index].text)
                index += 1
            }
        }
        return output.joined()
    }

    struct Token { var text: String; var isWord: Bool }

    /// Words and the separators between them, so joining the tokens gives the text back.
    static func tokenize(_ text: String) -> [Token] {
        var tokens: [Token] = []
        var current = ""
        var inWord = false
        for character in text {
            let isWordCharacter = character.isLetter || character.isNumber || character == "'"
            if isWordCharacter != inWord, !current.isEmpty {
                tokens.append(Token(text: current, isWord: inWord))
                current = ""
            }
            inWord = isWordCharacter
            current.append(character)
        }
        if !current.isEmpty { tokens.append(Token(text: current, isWord: inWord)) }
        return tokens
    }

    /// `count` words starting at token `start`, separated by single spaces only.
    static func wordRun(_ tokens: [Token], from start: Int, count: Int) -> (text: String, end: Int)? {
        var words: [String] = []
        var index = start
        while words.count < count {
            guard index < tokens.count, tokens[index].isWord else { return nil }
            words.append(tokens[index].text)
            index += 1
            if words.count < count {
                guard index < tokens.count, tokens[index].text == " " else { return nil }
                index += 1
            }
        }
        return (words.joined(separator: " "), index)
    }

    static func capitalizeFirst(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.uppercased() + text.dropFirst()
    }

    static func lowercaseFirst(_ text: String) -> String {
        guard let first = text.first else { return text }
        // Keep "I" and acronyms as they are.
        if text.count > 1, text.dropFirst().first?.isUppercase == true { return text }
        if first == "I", text.dropFirst().first == " " { return text }
        return first.lowercased() + text.dropFirst()
    }
}
