import Foundation

/// Pulls rewrites out of a small language model's free-form answer. Small models ignore format
/// instructions often enough that the parser, not the prompt, has to be robust: it accepts
/// numbered lists ("1.", "2)", "(3)", "Rewrite 4:"), bullets, a JSON array, quoted lines and
/// lines run together on one line ("1. … 2. …"); it drops preambles ("Here are three
/// rewrites:"), echoes of the source, empty and duplicate lines, and stray special tokens.
public enum RewriteListParser {
    /// At most `limit` distinct rewrites of `source` found in `answer`.
    public static func parse(_ answer: String, source: String, limit: Int) -> [String] {
        var text = answer
        for token in ["<|im_end|>", "<|im_start|>", "</s>", "<s>", "<|endoftext|>"] {
            text = text.replacingOccurrences(of: token, with: "\n")
        }
        var candidates: [String] = []
        if let json = jsonArray(text) {
            candidates = json
        } else {
            for raw in splitRunTogether(text).split(whereSeparator: \.isNewline) {
                candidates.append(String(raw))
            }
        }
        let sourceKey = TextNormalization.normalized(source)
        var seen: Set<String> = [sourceKey]
        var out: [String] = []
        for raw in candidates {
            guard let line = clean(raw) else { continue }
            let key = TextNormalization.normalized(line)
            if key.isEmpty || seen.contains(key) { continue }
            seen.insert(key)
            out.append(line)
            if out.count == limit { break }
        }
        return out
    }

    /// The strings of a JSON array in the answer, if it holds one.
    static func jsonArray(_ text: String) -> [String]? {
        guard let start = text.firstIndex(of: "["), let end = text.lastIndex(of: "]"), start < end,
              let data = String(text[start...end]).data(using: .utf8),
              let list = try? JSONSerialization.jsonObject(with: data) as? [Any] else { return nil }
        let strings = list.compactMap { $0 as? String }
        return strings.isEmpty ? nil : strings
    }

    /// "1. a 2. b 3. c" on one line → one item per line. Only the next number of the list
    /// starts a new item ("1. meet at 5. pm" stays whole).
    static func splitRunTogether(_ text: String) -> String {
        let chars = Array(text)
        var out = ""
        var next: Int?
        var atLineStart = true
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isASCII, c.isNumber, atLineStart || (i > 0 && chars[i - 1] == " ") {
                var j = i
                while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1 }
                if j + 1 < chars.count, chars[j] == "." || chars[j] == ")", chars[j + 1] == " ",
                   let number = Int(String(chars[i..<j])) {
                    if atLineStart {
                        next = number + 1
                    } else if number == next {
                        out.append("\n")
                        next = number + 1
                    }
                }
            }
            if c.isNewline {
                atLineStart = true
            } else if !c.isWhitespace {
                atLineStart = false
            }
            out.append(c)
            i += 1
        }
        return out
    }

    /// One candidate line without list markers, labels and quotes; nil for preambles and noise.
    static func clean(_ raw: String) -> String? {
        var line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if line.isEmpty || line.hasPrefix("```") { return nil }
        line = stripMarker(line).replacingOccurrences(of: "**", with: "")
        // "Rewrite 2:", "Option 1 -", "Paraphrase:" labels.
        if let match = line.range(of: #"^(rewrite|rewritten|paraphrase|option|version|alternative|instruction)\s*\d*\s*[:\-–]\s*"#,
                                  options: [.regularExpression, .caseInsensitive]) {
            line = String(line[match.upperBound...])
        }
        line = line.trimmingCharacters(in: .whitespaces)
        for (open, close) in [("\"", "\""), ("“", "”"), ("'", "'"), ("*", "*"), ("`", "`")] {
            while line.count >= 2, line.hasPrefix(open), line.hasSuffix(close) {
                line = String(line.dropFirst(open.count).dropLast(close.count)).trimmingCharacters(in: .whitespaces)
            }
        }
        if line.hasPrefix("\""), !line.dropFirst().contains("\"") { line = String(line.dropFirst()) }
        if line.hasSuffix("\""), !line.dropLast().contains("\"") { line = String(line.dropLast()) }
        line = line.trimmingCharacters(in: .whitespaces)
        if line.isEmpty { return nil }
        // Preambles and sign-offs: a line ending in ":" or talking about the rewrites.
        if line.hasSuffix(":") { return nil }
        let lower = line.lowercased()
        for prefix in ["here are", "here is", "sure", "certainly", "these rewrites", "i hope", "note:", "the original", "the answer"]
        where lower.hasPrefix(prefix) { return nil }
        return line
    }

    /// "1. x", "2) x", "(3) x", "- x", "* x", "• x" → "x".
    static func stripMarker(_ line: String) -> String {
        if let match = line.range(of: #"^(\(?\d{1,2}[.):]|[-*•·])\s+"#, options: .regularExpression) {
            return String(line[match.upperBound...])
        }
        return line
    }
}
