import GRDB

/// A pair (or set) of instructions in different splits that say the same thing.
public struct CrossSplitDuplicate: Sendable, Codable, Equatable {
    /// `normalized-text` (same words) or `embedding` (similar meaning).
    public var reason: String
    public var instructionIDs: [Int64]
    public var splits: [String]
    public var texts: [String]
    /// Cosine similarity, for `embedding` matches.
    public var similarity: Float?
}

/// Near-duplicate instructions that cross splits.
public struct NearDuplicateReport: Sendable, Codable, Equatable {
    public var instructionsCompared = 0
    public var sameText = 0
    public var similar = 0
    /// The embedder used for similarity, or nil when only normalized text was compared.
    public var embedder: String?
    public var threshold: Float?
    /// Why the similarity pass was skipped, when it was.
    public var similaritySkipped: String?
    /// Up to `maxListed` examples.
    public var examples: [CrossSplitDuplicate] = []
}

/// Finds instructions whose text appears in two splits after normalization, and — with an
/// embedding function — pairs across splits whose cosine similarity is at least `threshold`.
/// The normalizer and the embedder are passed in (Augment's `TextNormalization` and any
/// `SentenceEmbedder`, MiniLM once installed), so this target needs no model.
/// Only raw queries are compared (templated prompts repeat the same boilerplate).
public struct NearDuplicateDetector: Sendable {
    public var normalize: @Sendable (String) -> String
    public var embed: (@Sendable ([String]) throws -> [[Float]])?
    public var embedderName: String?
    public var threshold: Float
    /// The similarity pass compares at most this many cross-split pairs.
    public var maxComparisons: Int
    public var maxListed: Int

    public init(normalize: @escaping @Sendable (String) -> String, embed: (@Sendable ([String]) throws -> [[Float]])? = nil,
                embedderName: String? = nil, threshold: Float = 0.9, maxComparisons: Int = 50_000_000, maxListed: Int = 50) {
        self.normalize = normalize
        self.embed = embed
        self.embedderName = embedderName
        self.threshold = threshold
        self.maxComparisons = maxComparisons
        self.maxListed = maxListed
    }

    public func run(store: DatasetStore) throws(ExportError) -> NearDuplicateReport {
        let rows: [(id: Int64, text: String, split: String)]
        do {
            rows = try store.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT i.id, i.text, im.split FROM instructions i JOIN images im ON im.id = i.image_id
                    WHERE im.split IS NOT NULL AND i.origin <> 'template' AND i.status <> 'rejected' ORDER BY i.id
                    """).map { ($0[0], $0[1], $0[2]) }
            }
        } catch { throw .store(error) }
        var report = NearDuplicateReport()
        report.instructionsCompared = rows.count
        var byText: [String: [Int]] = [:]
        var textOrder: [String] = []
        for (index, row) in rows.enumerated() {
            let key = normalize(row.text)
            if byText[key] == nil { textOrder.append(key) }
            byText[key, default: []].append(index)
        }
        var sameTextPairs = Set<[Int64]>()
        for key in textOrder {
            guard let members = byText[key], Set(members.map { rows[$0].split }).count > 1 else { continue }
            report.sameText += 1
            for a in members { for b in members where a < b && rows[a].split != rows[b].split { sameTextPairs.insert([rows[a].id, rows[b].id]) } }
            if report.examples.count < maxListed {
                report.examples.append(CrossSplitDuplicate(reason: "normalized-text", instructionIDs: members.map { rows[$0].id },
                                                           splits: members.map { rows[$0].split }, texts: members.map { rows[$0].text },
                                                           similarity: nil))
            }
        }
        guard let embed else { return report }
        report.embedder = embedderName
        report.threshold = threshold
        var comparisons = 0
        var bySplit: [String: [Int]] = [:]
        for (index, row) in rows.enumerated() { bySplit[row.split, default: []].append(index) }
        let splits = bySplit.keys.sorted()
        for a in 0..<splits.count { for b in (a + 1)..<max(a + 1, splits.count) { comparisons += (bySplit[splits[a]] ?? []).count * (bySplit[splits[b]] ?? []).count } }
        guard comparisons <= maxComparisons else {
            report.similaritySkipped = "\(comparisons) cross-split pairs exceed the limit of \(maxComparisons)"
            return report
        }
        let vectors: [[Float]]
        do { vectors = try embed(rows.map(\.text)) } catch {
            report.similaritySkipped = "embedder failed: \(error)"
            return report
        }
        guard vectors.count == rows.count else {
            report.similaritySkipped = "embedder returned \(vectors.count) vectors for \(rows.count) texts"
            return report
        }
        for a in 0..<splits.count {
            for b in (a + 1)..<max(a + 1, splits.count) {
                for i in (bySplit[splits[a]] ?? []) {
                    for j in (bySplit[splits[b]] ?? []) {
                        let u = vectors[i], v = vectors[j]
                        guard u.count == v.count else { continue }
                        var dot: Float = 0
                        for k in 0..<u.count { dot += u[k] * v[k] }
                        guard dot >= threshold else { continue }
                        let pair = [min(rows[i].id, rows[j].id), max(rows[i].id, rows[j].id)]
                        if sameTextPairs.contains(pair) { continue }
                        report.similar += 1
                        if report.examples.count < maxListed {
                            report.examples.append(CrossSplitDuplicate(reason: "embedding", instructionIDs: [rows[i].id, rows[j].id],
                                                                       splits: [rows[i].split, rows[j].split],
                                                                       texts: [rows[i].text, rows[j].text], similarity: dot))
                        }
                    }
                }
            }
        }
        return report
    }
}
