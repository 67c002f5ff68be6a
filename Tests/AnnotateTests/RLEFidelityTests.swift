import Foundation
import Testing
@testable import Annotate

@Suite("COCO RLE vs pycocotools")
struct RLEFidelityTests {
    static let cases = (AnnotateFixtures.shared?.rle ?? []).map(\.name)

    @Test("fixtures load and carry the reference versions")
    func fixturesLoad() throws {
        let f = try AnnotateFixtures.load()
        #expect(f.rle.count >= 30)
        #expect(f.versions.opencv_legacy.hasPrefix("4.8"))
    }

    @Test("encode, string, area, toBbox and decode are byte-identical", arguments: cases)
    func encodeDecode(name: String) throws {
        let c = try #require(try AnnotateFixtures.load().rle.first { $0.name == name })
        let mask = try AnnotateFixtures.mask(for: c.source)
        #expect(mask.width == c.w && mask.height == c.h)
        let rle = RLE(encoding: mask)
        let text = rle.compressedCounts
        if let expected = c.string {
            #expect(text == expected)
        } else {
            #expect(text.count == c.string_len)
            #expect(AnnotateFixtures.fnv1a64(text) == c.string_fnv1a64)
            #expect(text.hasPrefix(c.string_head ?? "?"))
        }
        if let counts = c.counts { #expect(rle.counts == counts) }
        #expect(rle.area == c.area)
        #expect(mask.area == c.area)
        #expect(rle.boundingBox.array == c.bbox)
        // string -> counts -> mask round trip
        let parsed = try RLE(height: c.h, width: c.w, compressedCounts: text)
        #expect(parsed.counts == rle.counts)
        #expect(parsed.decode() == mask)
    }

    @Test("RLE JSON shapes: compressed string and uncompressed list")
    func jsonShapes() throws {
        let c = try #require(try AnnotateFixtures.load().rle.first { $0.name == "holes_60x80" })
        let json = try JSONSerialization.data(withJSONObject: ["size": [c.h, c.w], "counts": c.string!] as [String: Any])
        let rle = try JSONDecoder().decode(RLE.self, from: json)
        #expect(rle.countsFormat == .compressed)
        let back = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(rle)) as? [String: Any]
        #expect(back?["counts"] as? String == c.string)
        #expect(back?["size"] as? [Int] == [c.h, c.w])
        let listJSON = "{\"size\": [\(c.h), \(c.w)], \"counts\": [\(c.counts!.map(String.init).joined(separator: ","))]}"
        let uncompressed = try JSONDecoder().decode(RLE.self, from: Data(listJSON.utf8))
        #expect(uncompressed == rle)
        #expect(uncompressed.countsFormat == .uncompressed)
        let again = try JSONDecoder().decode(RLE.self, from: JSONEncoder().encode(uncompressed))
        #expect(again == rle && again.countsFormat == .uncompressed)
    }

    @Test("iou matrix with the crowd rule matches pycocotools bit for bit")
    func iouMatrix() throws {
        let f = try AnnotateFixtures.load()
        for c in f.iou.cases {
            let dt: [RLE], gt: [RLE]
            if let dtNames = c.dt, let gtNames = c.gt {
                dt = try dtNames.map { RLE(encoding: try AnnotateFixtures.mask("masks/\($0).png")) }
                gt = try gtNames.map { RLE(encoding: try AnnotateFixtures.mask("masks/\($0).png")) }
            } else {
                let coins = try #require(c.coins)
                func load(_ t: Int) throws -> RLE { try RLE(height: c.h!, width: c.w!, compressedCounts: coins[String(t)]!) }
                dt = try c.dt_coins!.map(load)
                gt = try c.gt_coins!.map(load)
            }
            let result = try RLE.iou(dt, gt, iscrowd: c.iscrowd.map { $0 != 0 })
            #expect(result == c.iou)
        }
    }

    @Test("merge (union and intersection) matches pycocotools")
    func merge() throws {
        for m in try AnnotateFixtures.load().iou.merges {
            let rles = try m.masks.map { RLE(encoding: try AnnotateFixtures.mask("masks/\($0).png")) }
            let merged = try RLE.merge(rles, intersect: m.intersect)
            #expect(merged.compressedCounts == m.string, "\(m.masks) intersect=\(m.intersect)")
            // and agrees with pixel-wise logic
            let masks = rles.map { $0.decode() }
            var expected = masks[0]
            for other in masks.dropFirst() { expected = m.intersect ? try expected.intersection(other) : try expected.union(other) }
            #expect(merged.decode() == expected)
        }
    }
}
