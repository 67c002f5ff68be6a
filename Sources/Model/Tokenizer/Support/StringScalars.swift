extension String {
    /// Builds a string from exactly these scalars (no normalization happens), encoding the
    /// UTF-8 directly into the string's storage.
    init<C: Collection>(scalars: C) where C.Element == Unicode.Scalar {
        var capacity = 0
        for s in scalars { capacity += UTF8Encoding.length(s) }
        self = String(unsafeUninitializedCapacity: capacity) { buffer in
            var i = 0
            for s in scalars { UTF8Encoding.write(s, to: buffer, at: &i) }
            return i
        }
    }

    /// Scalar-exact equality (not canonical equivalence).
    func scalarsEqual(_ other: String) -> Bool {
        utf8.elementsEqual(other.utf8)
    }
}
