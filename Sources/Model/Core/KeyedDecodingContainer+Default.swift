extension KeyedDecodingContainer {
    /// The value at `key`, or `fallback` when `config.json` leaves the key out (or null): every
    /// architecture's configuration decodes its optional fields with the upstream defaults.
    func decode<T: Decodable>(_ key: Key, or fallback: @autoclosure () -> T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback()
    }
}
