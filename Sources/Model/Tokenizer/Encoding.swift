/// The result of encoding a text: token ids and their per-token companions, all the same length.
public struct Encoding: Sendable, Equatable {
    /// Token ids, as the model's embedding table indexes them.
    public var ids: [Int]
    /// Token strings (for added tokens: the matched text, including stripped whitespace).
    public var tokens: [String]
    /// Segment ids (0 for the first sequence, 1 for the second of a pair, per the template).
    public var typeIds: [Int]
    /// 1 for real tokens, 0 for padding.
    public var attentionMask: [Int]
    /// 1 for tokens inserted by the post-processor or padding, 0 for tokens of the text.
    public var specialTokensMask: [Int]

    public init(ids: [Int] = [], tokens: [String] = [], typeIds: [Int] = [], attentionMask: [Int] = [], specialTokensMask: [Int] = []) {
        self.ids = ids
        self.tokens = tokens
        self.typeIds = typeIds
        self.attentionMask = attentionMask
        self.specialTokensMask = specialTokensMask
    }

    public var count: Int { ids.count }

    /// `ids` as `Int32`, the usual element type of an id tensor.
    public var ids32: [Int32] { ids.map { Int32(truncatingIfNeeded: $0) } }
    /// `attentionMask` as `Int32`.
    public var attentionMask32: [Int32] { attentionMask.map { Int32(truncatingIfNeeded: $0) } }
    /// `typeIds` as `Int32`.
    public var typeIds32: [Int32] { typeIds.map { Int32(truncatingIfNeeded: $0) } }

    mutating func append(id: Int, token: String, typeId: Int, special: Bool) {
        ids.append(id)
        tokens.append(token)
        typeIds.append(typeId)
        attentionMask.append(1)
        specialTokensMask.append(special ? 1 : 0)
    }

    mutating func append(_ other: Encoding) {
        ids += other.ids
        tokens += other.tokens
        typeIds += other.typeIds
        attentionMask += other.attentionMask
        specialTokensMask += other.specialTokensMask
    }

    mutating func setTypeIds(_ typeId: Int) {
        typeIds = [Int](repeating: typeId, count: ids.count)
    }

    /// Keeps `length` tokens, dropping from the end (`.right`) or the start (`.left`).
    mutating func truncate(to length: Int, direction: Truncation.Direction) {
        guard ids.count > length else { return }
        let keep = direction == .right ? 0..<length : (ids.count - length)..<ids.count
        ids = Array(ids[keep])
        tokens = Array(tokens[keep])
        typeIds = Array(typeIds[keep])
        attentionMask = Array(attentionMask[keep])
        specialTokensMask = Array(specialTokensMask[keep])
    }

    /// Pads up to `length` with the padding token (attention 0).
    mutating func pad(to length: Int, with p: Padding) {
        guard ids.count < length else { return }
        let n = length - ids.count
        func padded<T>(_ a: [T], _ v: T) -> [T] {
            p.direction == .right ? a + [T](repeating: v, count: n) : [T](repeating: v, count: n) + a
        }
        ids = padded(ids, p.padId)
        tokens = padded(tokens, p.padToken)
        typeIds = padded(typeIds, p.padTypeId)
        attentionMask = padded(attentionMask, 0)
        specialTokensMask = padded(specialTokensMask, 1)
    }
}
