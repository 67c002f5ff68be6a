import Foundation

/// The chat prompt that asks a language model for rewrites, and the parser of its answer.
/// The prompt's version is part of the response-cache key: changing the wording re-asks.
public enum ParaphrasePrompt {
    public static let version = "paraphrase-v1"

    /// System and user messages for one request.
    public static func messages(for request: ParaphraseRequest) -> [(role: String, content: String)] {
        var rules = [
            "Rewrite the instruction below in \(request.count) different ways.",
            "Each rewrite must keep the meaning and refer to exactly the same object(s) in the image.",
            "Keep any special tokens such as [SEG] or <image> unchanged.",
            "Answer with a JSON array of \(request.count) strings and nothing else.",
        ]
        if request.kind == "reasoning", !request.targetClassNames.isEmpty {
            let names = request.targetClassNames.map { "\"\($0)\"" }.joined(separator: ", ")
            rules.insert("This is a reasoning query: never name the answer (\(names)) or a synonym of it; "
                + "keep it implicit so that world knowledge is needed to find it.", at: 2)
        }
        if request.isSentence { rules.append("Each rewrite is a full sentence.") } else { rules.append("Each rewrite is a short phrase.") }
        return [
            ("system", "You rewrite instructions for an image segmentation dataset. " + rules.joined(separator: " ")),
            ("user", request.text),
        ]
    }

    /// The rewrites in a model's answer: a JSON array of strings (possibly inside a code fence
    /// or after some prose), else one rewrite per non-empty line with list markers removed.
    public static func parse(_ answer: String, limit: Int) -> [String] {
        if let start = answer.firstIndex(of: "["), let end = answer.lastIndex(of: "]"), start < end,
           let data = String(answer[start...end]).data(using: .utf8),
           let list = try? JSONSerialization.jsonObject(with: data) as? [Any] {
            let strings = list.compactMap { $0 as? String }.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            if !strings.isEmpty { return Array(strings.prefix(limit)) }
        }
        var lines: [String] = []
        for raw in answer.split(whereSeparator: \.isNewline) {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("```") || line.isEmpty { continue }
            line = stripListMarker(line)
            if line.count >= 2, line.first == "\"", line.last == "\"" { line = String(line.dropFirst().dropLast()) }
            if !line.isEmpty { lines.append(line) }
        }
        return Array(lines.prefix(limit))
    }

    /// "1. text", "2) text", "- text", "* text", "• text" → "text".
    static func stripListMarker(_ line: String) -> String {
        var rest = Substring(line)
        if let first = rest.first, "-*•".contains(first), rest.dropFirst().first == " " {
            return String(rest.dropFirst(2)).trimmingCharacters(in: .whitespaces)
        }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty {
            rest = rest.dropFirst(digits.count)
            if let marker = rest.first, marker == "." || marker == ")", rest.dropFirst().first == " " {
                return String(rest.dropFirst(2)).trimmingCharacters(in: .whitespaces)
            }
        }
        return line
    }
}
