/// The store's schema: the text of `schema.sql` at the repository root, embedded into this module
/// at build time by the EmbedSchema plugin (a test checks the two are identical).
public enum Schema {
    /// The embedded `schema.sql` text.
    public static var sql: String { EmbeddedSchema.sql }
}
