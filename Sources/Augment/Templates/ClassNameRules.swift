/// How raw class names become the `{class_name}` of a prompt: "traffic_light" → "traffic light",
/// "wall-other-merged" → "wall", "/m/0199g" → "bicycle" (via the category's display name),
/// "dog:leg" → "dog leg" or "the leg of the dog". Rules can differ per source dataset, and any
/// name can be overridden.
public struct ClassNameRules: Sendable, Codable, Equatable {
    /// How part names (`object:part`) are phrased.
    public enum PartStyle: String, Sendable, Codable {
        /// "dog leg"
        case objectPart = "obj part"
        /// "the leg of the dog"
        case partOfObject = "the part of the obj"
        /// Either, chosen per prompt (as LISA does for PACO and PASCAL-Part).
        case either
    }

    public var replaceUnderscores: Bool
    public var stripSuffixes: [String]
    public var partSeparator: String
    public var partStyle: PartStyle
    public var lowercase: Bool
    /// Exact raw name → cleaned name.
    public var overrides: [String: String]

    enum CodingKeys: String, CodingKey {
        case replaceUnderscores = "replace_underscores"
        case stripSuffixes = "strip_suffixes"
        case partSeparator = "part_separator"
        case partStyle = "part_style"
        case lowercase, overrides
    }

    public init(replaceUnderscores: Bool = true, stripSuffixes: [String] = ["-merged", "-other", "-stuff"],
                partSeparator: String = ":", partStyle: PartStyle = .either, lowercase: Bool = true,
                overrides: [String: String] = [:]) {
        self.replaceUnderscores = replaceUnderscores
        self.stripSuffixes = stripSuffixes
        self.partSeparator = partSeparator
        self.partStyle = partStyle
        self.lowercase = lowercase
        self.overrides = overrides
    }

    public init(from decoder: any Decoder) throws {
        let defaults = ClassNameRules()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        replaceUnderscores = try c.decodeIfPresent(Bool.self, forKey: .replaceUnderscores) ?? defaults.replaceUnderscores
        stripSuffixes = try c.decodeIfPresent([String].self, forKey: .stripSuffixes) ?? defaults.stripSuffixes
        partSeparator = try c.decodeIfPresent(String.self, forKey: .partSeparator) ?? defaults.partSeparator
        partStyle = try c.decodeIfPresent(PartStyle.self, forKey: .partStyle) ?? defaults.partStyle
        lowercase = try c.decodeIfPresent(Bool.self, forKey: .lowercase) ?? defaults.lowercase
        overrides = try c.decodeIfPresent([String: String].self, forKey: .overrides) ?? defaults.overrides
    }

    /// The prompt form of a class. `name` is the stored name, `displayName` the human one (used
    /// when the name is an identifier such as an OpenImages MID).
    public func clean(name: String, displayName: String? = nil, generator: inout SeededGenerator) -> String {
        if let override = overrides[name] { return override }
        var text = name
        if Self.isIdentifier(name), let displayName, !displayName.isEmpty { text = displayName }
        if let override = overrides[text] { return override }
        if !partSeparator.isEmpty, let range = text.range(of: partSeparator) {
            let object = clean(name: String(text[..<range.lowerBound]), generator: &generator)
            let part = clean(name: String(text[range.upperBound...]), generator: &generator)
            let style: PartStyle = partStyle == .either ? (generator.next() & 1 == 0 ? .objectPart : .partOfObject) : partStyle
            return style == .objectPart ? "\(object) \(part)" : "the \(part) of the \(object)"
        }
        var changed = true
        while changed {
            changed = false
            for suffix in stripSuffixes where !suffix.isEmpty && text.hasSuffix(suffix) && text.count > suffix.count {
                text.removeLast(suffix.count)
                changed = true
            }
        }
        if replaceUnderscores { text = text.replacingOccurrences(of: "_", with: " ") }
        text = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
        return lowercase ? text.lowercased() : text
    }

    /// Whether a name is a machine identifier (an OpenImages MID like "/m/0199g" or a number).
    static func isIdentifier(_ name: String) -> Bool {
        name.hasPrefix("/m/") || name.hasPrefix("/g/") || (!name.isEmpty && name.allSatisfy(\.isNumber))
    }
}
