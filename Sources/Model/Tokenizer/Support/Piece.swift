/// One piece of the input text while it moves through the pipeline (added-token extraction,
/// normalization, pre-tokenization, model). Mirrors a split of the Hugging Face
/// `PreTokenizedString`; offsets are not tracked except whether the piece starts at the very
/// beginning of the original input (the `Metaspace` "first" prepend scheme needs that).
struct Piece {
    var scalars: [Unicode.Scalar]
    /// True when the piece's original offset is 0.
    var startsAtOrigin: Bool
    /// Set when the piece is an added token: its id (the text is kept in `scalars`).
    var addedTokenId: Int?

    init(_ scalars: [Unicode.Scalar], startsAtOrigin: Bool, addedTokenId: Int? = nil) {
        self.scalars = scalars
        self.startsAtOrigin = startsAtOrigin
        self.addedTokenId = addedTokenId
    }
}
