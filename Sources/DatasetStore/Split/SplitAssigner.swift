import Foundation
import GRDB

/// How `SplitAssigner` assigns splits.
public struct SplitOptions: Sendable {
    /// train, val, test fractions (they are normalized to sum to 1).
    public var ratios: [Double]
    public var seed: UInt64
    /// Groups whose images all have one split already keep it.
    public var keepExisting: Bool

    public init(ratios: [Double] = [0.8, 0.1, 0.1], seed: UInt64 = 0, keepExisting: Bool = false) {
        self.ratios = ratios
        self.seed = seed
        self.keepExisting = keepExisting
    }
}

/// What `SplitAssigner` did.
public struct SplitReport: Sendable, Codable, Equatable {
    public var groups = 0
    public var images = 0
    public var imagesBySplit: [String: Int] = [:]
    public var groupsBySplit: [String: Int] = [:]
    /// Groups that kept their split (`keepExisting`).
    public var keptGroups = 0
    public var duplicates: NearDuplicateReport?
}

/// Assigns train/val/test splits by group key: every image of a group (a ScanNet scene, an
/// OpenImages image, a video) lands in the same split; an image without a group key is a group
/// of its own. Groups are ordered by a seeded hash of their key and dealt out so the running
/// image count follows the ratios, so the assignment depends only on the store's groups and the
/// seed (not on insertion order) and a group's split is stable while the others change little.
public struct SplitAssigner: Sendable {
    public let store: DatasetStore

    public init(store: DatasetStore) { self.store = store }

    enum GroupID: Hashable { case key(String), image(Int64) }

    struct Group {
        var id: GroupID
        var images: Int
        var existing: Split?
        var order: UInt64
    }

    /// A seeded 64-bit hash of a group (FNV-1a then SplitMix64 finalizer).
    static func order(_ id: GroupID, seed: UInt64) -> UInt64 {
        var hash: UInt64 = 0xcbf29ce484222325 ^ seed
        let text: String
        switch id { case .key(let key): text = "k:" + key; case .image(let image): text = "i:\(image)" }
        for byte in text.utf8 { hash ^= UInt64(byte); hash &*= 0x100000001b3 }
        var z = hash &+ 0x9E3779B97F4A7C15 &+ seed
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }

    /// Assigns and stores the splits; `duplicates` also reports near-duplicate instructions
    /// that cross splits afterwards.
    public func run(_ options: SplitOptions, duplicates: NearDuplicateDetector? = nil) throws(ExportError) -> SplitReport {
        guard options.ratios.count == 3, options.ratios.allSatisfy({ $0 >= 0 && $0.isFinite }), options.ratios.reduce(0, +) > 0 else {
            throw .invalidOption(name: "--ratios", reason: "need three non-negative numbers (train,val,test) with a positive sum")
        }
        let sum = options.ratios.reduce(0, +)
        let ratios = options.ratios.map { $0 / sum }
        var groups: [Group]
        do {
            groups = try store.read { db -> [Group] in
                var out: [Group] = []
                let keyed = try Row.fetchCursor(db, sql: """
                    SELECT group_key, count(*), min(split), max(split), count(split) FROM images
                    WHERE group_key IS NOT NULL GROUP BY group_key
                    """)
                while let row = try keyed.next() {
                    let count: Int = row[1], withSplit: Int = row[4]
                    let lo: String? = row[2], hi: String? = row[3]
                    let existing = withSplit == count && lo == hi ? lo.flatMap(Split.init(rawValue:)) : nil
                    let id = GroupID.key(row[0])
                    out.append(Group(id: id, images: count, existing: existing, order: Self.order(id, seed: options.seed)))
                }
                let single = try Row.fetchCursor(db, sql: "SELECT id, split FROM images WHERE group_key IS NULL")
                while let row = try single.next() {
                    let id = GroupID.image(row[0])
                    let split: String? = row[1]
                    out.append(Group(id: id, images: 1, existing: split.flatMap(Split.init(rawValue:)),
                                     order: Self.order(id, seed: options.seed)))
                }
                return out
            }
        } catch { throw .store(error) }
        groups.sort { $0.order != $1.order ? $0.order < $1.order : "\($0.id)" < "\($1.id)" }
        var report = SplitReport()
        report.groups = groups.count
        let total = groups.reduce(0) { $0 + $1.images }
        report.images = total
        var assigned = [Split](repeating: .train, count: groups.count)
        var counts = [Split: Int]()
        // Kept groups count toward their split first.
        if options.keepExisting {
            for (index, group) in groups.enumerated() { if let existing = group.existing { assigned[index] = existing; counts[existing, default: 0] += group.images } }
        }
        let order: [Split] = [.train, .val, .test]
        for (index, group) in groups.enumerated() {
            if options.keepExisting && group.existing != nil { report.keptGroups += 1; continue }
            // The split furthest below its share of the images seen so far (ties: train first).
            let done = counts.values.reduce(0, +) + group.images
            var best = Split.train, bestDeficit = -Double.infinity
            for (k, split) in order.enumerated() where ratios[k] > 0 {
                let deficit = ratios[k] * Double(done) - Double(counts[split, default: 0])
                if deficit > bestDeficit + 1e-9 { best = split; bestDeficit = deficit }
            }
            assigned[index] = best
            counts[best, default: 0] += group.images
        }
        do {
            try store.write { db in
                let byKey = try db.makeStatement(sql: "UPDATE images SET split = ? WHERE group_key = ?")
                let byID = try db.makeStatement(sql: "UPDATE images SET split = ? WHERE id = ?")
                for (index, group) in groups.enumerated() {
                    switch group.id {
                    case .key(let key): try byKey.execute(arguments: [assigned[index].rawValue, key])
                    case .image(let id): try byID.execute(arguments: [assigned[index].rawValue, id])
                    }
                }
            }
        } catch { throw .store(error) }
        for (index, group) in groups.enumerated() {
            report.imagesBySplit[assigned[index].rawValue, default: 0] += group.images
            report.groupsBySplit[assigned[index].rawValue, default: 0] += 1
        }
        if let duplicates { report.duplicates = try duplicates.run(store: store) }
        return report
    }
}
