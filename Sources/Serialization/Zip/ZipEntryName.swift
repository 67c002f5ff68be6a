/// Validation of zip entry names.
///
/// Why: a zip may carry names like `../../etc/passwd` or `/abs/path`; extracting those would write
/// outside the target folder ("zip slip"). We refuse such archives when they are opened.
public enum ZipEntryName {
    /// True when `name` is a relative path none of whose components is `..`, with no NUL, no
    /// leading `/` or `\`, and no drive letter. Backslashes count as separators for this check.
    public static func isSafe(_ name: String) -> Bool {
        if name.isEmpty { return false }
        let scalars = Array(name.unicodeScalars)
        if scalars.contains("\0") { return false }
        if scalars[0] == "/" || scalars[0] == "\\" { return false }
        if scalars.count >= 2, scalars[1] == ":", scalars[0].isASCII, scalars[0].properties.isAlphabetic { return false }
        let components = name.split(omittingEmptySubsequences: false) { $0 == "/" || $0 == "\\" }
        return !components.contains { $0 == ".." }
    }
}
