/// Turns sentences into unit vectors whose dot product measures similarity of meaning. The
/// quality gate and near-duplicate detection take any embedder; the MiniLM sentence encoder of
/// the Model module is the one to use, `HashingEmbedder` the fallback when no model is installed.
public protocol SentenceEmbedder: Sendable {
    /// A name for reports ("all-MiniLM-L6-v2", "hashing").
    var name: String { get }
    /// Cosine similarity below which a rewrite is considered to have drifted in meaning.
    var driftThreshold: Float { get }
    /// Cosine similarity above which two texts are near-duplicates.
    var duplicateThreshold: Float { get }
    /// Whether similarities reflect meaning (a trained encoder) rather than shared words.
    var capturesMeaning: Bool { get }
    /// One L2-normalized vector per text.
    func embed(_ texts: [String]) throws -> [[Float]]
}

/// A model-free embedder: word and character-trigram features hashed into a fixed-size vector.
/// It sees shared words, not shared meaning, so its thresholds are lower; it keeps the pipeline
/// running (and the gate meaningful against gross drift) where MiniLM is not installed.
public struct HashingEmbedder: SentenceEmbedder {
    public let dimensions: Int
    public var name: String { "hashing" }
    public var driftThreshold: Float { 0.3 }
    public var duplicateThreshold: Float { 0.95 }
    public var capturesMeaning: Bool { false }

    public init(dimensions: Int = 1024) { self.dimensions = dimensions }

    public func embed(_ texts: [String]) throws -> [[Float]] {
        texts.map(vector)
    }

    func vector(_ text: String) -> [Float] {
        var vector = [Float](repeating: 0, count: dimensions)
        let words = TextNormalization.words(text)
        func add(_ feature: String, _ weight: Float) {
            var hash: UInt64 = 0xcbf29ce484222325
            for byte in feature.utf8 { hash ^= UInt64(byte); hash &*= 0x100000001b3 }
            let sign: Float = (hash >> 63) == 0 ? 1 : -1
            vector[Int(hash % UInt64(dimensions))] += sign * weight
        }
        for word in words {
            add("w:" + word, 1)
            let padded = Array(" \(word) ")
            if padded.count >= 3 {
                for index in 0...(padded.count - 3) { add("c:" + String(padded[index..<(index + 3)]), 0.3) }
            }
        }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? vector.map { $0 / norm } : vector
    }
}
