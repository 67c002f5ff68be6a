/// A dictionary key for vocabulary strings that compares Unicode scalars exactly.
///
/// Swift `String` equality and hashing follow canonical equivalence, so `"é"` (U+00E9) and
/// `"e\u{301}"` would collapse into one key. Tokenizer vocabularies treat them as different
/// tokens with different ids, so keys compare and hash their UTF-8 bytes instead.
struct TokenKey: Hashable, Sendable {
    let string: String

    init(_ string: String) { self.string = string }

    static func == (lhs: TokenKey, rhs: TokenKey) -> Bool {
        lhs.string.utf8.elementsEqual(rhs.string.utf8)
    }

    func hash(into hasher: inout Hasher) {
        let done: Void? = string.utf8.withContiguousStorageIfAvailable { buffer in
            hasher.combine(bytes: UnsafeRawBufferPointer(buffer))
        }
        if done == nil {
            for byte in string.utf8 { hasher.combine(byte) }
        }
        hasher.combine(string.utf8.count)
    }
}

extension String {
    /// Builds a string from exactly these scalars (no normalization happens).
    init<S: Sequence>(scalars: S) where S.Element == Unicode.Scalar {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        self = String(view)
    }

    /// Scalar-exact equality (not canonical equivalence).
    func scalarsEqual(_ other: String) -> Bool {
        utf8.elementsEqual(other.utf8)
    }
}
