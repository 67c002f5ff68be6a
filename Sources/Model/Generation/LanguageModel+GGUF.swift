extension LanguageModel {
    /// Loads a GGUF file (TEMPORARY until the GGUF reader is merged).
    public static func load(gguf path: String) throws -> LanguageModel {
        throw ModelError.invalidFile(path: path, reason: "GGUF files are not supported by this build yet")
    }
}
