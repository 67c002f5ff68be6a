import Foundation
@testable import Annotate

/// The reference outputs written by tools/annotate_fixtures.py (pycocotools, OpenCV 4.8 and 5.x).
struct AnnotateFixtures: Decodable {
    struct Versions: Decodable { let pycocotools: String; let opencv_current: String; let opencv_legacy: String }
    struct Op: Decodable { let op: String; let cx: Int?; let cy: Int?; let r: Int?; let x0: Int?; let y0: Int?; let x1: Int?; let y1: Int?; let period: Int? }
    struct Pattern: Decodable { let h: Int; let w: Int; let ops: [Op] }
    struct Source: Decodable { let png: String?; let pattern: Pattern? }
    struct RLECase: Decodable {
        let name: String; let source: Source; let h: Int; let w: Int
        let area: Int; let bbox: [Double]
        let string: String?; let string_len: Int?; let string_fnv1a64: String?; let string_head: String?
        let counts: [UInt32]?
    }
    struct IoUCase: Decodable {
        let dt: [String]?; let gt: [String]?
        let dt_coins: [Int]?; let gt_coins: [Int]?; let coins: [String: String]?; let h: Int?; let w: Int?
        let iscrowd: [Int]; let iou: [[Double]]
    }
    struct MergeCase: Decodable { let masks: [String]; let intersect: Bool; let string: String }
    struct IoUFixture: Decodable { let cases: [IoUCase]; let merges: [MergeCase] }
    struct PolygonCase: Decodable { let h: Int; let w: Int; let polygons: [[Double]]; let strings: [String]; let union: String; let area: Int }
    struct BoxCase: Decodable { let box: [Double]; let h: Int; let w: Int; let string: String }
    struct OpenCVCase: Decodable {
        let kind: String; let h: Int; let w: Int; let contours: [[Int32]]; let closed: Bool?
        let legacy: String; let current: String
    }
    struct Labels: Decodable { let target: String; let ignore: String }
    struct ReasonSegCase: Decodable { let file: String; let h: Int; let w: Int; let legacy: Labels; let current: Labels }
    struct OpenCVFixture: Decodable { let legacy_version: String; let current_version: String; let cases: [OpenCVCase]; let reasonseg: [ReasonSegCase] }
    struct ResizeCase: Decodable { let mask: String; let w: Int; let h: Int; let string: String }
    struct BilinearCase: Decodable { let w: Int; let h: Int; let logits: [Float]; let out_w: Int; let out_h: Int; let values: [Float]; let cv2_values: [Float]; let mask: String }
    struct MetricPair: Decodable { let pred: String; let target: String; let ignore: String; let h: Int; let w: Int; let iou: Double }
    struct MetricsFixture: Decodable { let pairs: [MetricPair]; let giou: Double; let ciou: Double }

    struct EvenOddCase: Decodable { let h: Int; let w: Int; let exterior: [Double]; let holes: [[Double]]; let string: String }

    let versions: Versions
    let evenodd: [EvenOddCase]
    let rle: [RLECase]
    let iou: IoUFixture
    let polygons: [PolygonCase]
    let boxes: [BoxCase]
    let opencv: OpenCVFixture
    let resize: [ResizeCase]
    let bilinear: BilinearCase
    let metrics: MetricsFixture

    static let directory: String = {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else { return "Fixtures" }
        return url.path
    }()

    static let shared: AnnotateFixtures? = {
        guard let data = FileManager.default.contents(atPath: directory + "/annotate_fixtures.json") else { return nil }
        return try? JSONDecoder().decode(AnnotateFixtures.self, from: data)
    }()

    static func load() throws -> AnnotateFixtures {
        guard let f = shared else { throw FixtureError.missing("annotate_fixtures.json") }
        return f
    }

    static func mask(_ relative: String) throws -> BinaryMask {
        try MaskPNG.read(contentsOf: directory + "/" + relative)
    }

    static func mask(for source: Source) throws -> BinaryMask {
        if let png = source.png { return try mask(png) }
        guard let p = source.pattern else { throw FixtureError.missing("source") }
        return patternMask(p)
    }

    /// Re-builds a pattern mask exactly as the generator's numpy code does.
    static func patternMask(_ p: Pattern) -> BinaryMask {
        var m = BinaryMask(width: p.w, height: p.h)
        m.withUnsafeMutablePixels { px in
            for op in p.ops {
                switch op.op {
                case "circle":
                    let cx = op.cx!, cy = op.cy!, r = op.r!
                    for y in max(0, cy - r)...min(p.h - 1, cy + r) {
                        for x in max(0, cx - r)...min(p.w - 1, cx + r) where (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r {
                            px[y * p.w + x] ^= 1
                        }
                    }
                case "rect":
                    for y in op.y0!..<op.y1! { for x in op.x0!..<op.x1! { px[y * p.w + x] ^= 1 } }
                default:
                    let period = op.period!
                    for y in 0..<p.h { for x in 0..<p.w where (x / period + y / period) % 2 == 1 { px[y * p.w + x] ^= 1 } }
                }
            }
        }
        return m
    }

    /// FNV-1a 64 of a string's UTF-8, hex (as the generator writes it).
    static func fnv1a64(_ text: String) -> String {
        var h: UInt64 = 0xcbf29ce484222325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        let s = String(h, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

enum FixtureError: Error { case missing(String) }

/// The mask an RLE string decodes to (fixture masks are stored as pycocotools strings).
func decodeRLE(_ text: String, height: Int, width: Int) throws -> BinaryMask {
    try RLE(height: height, width: width, compressedCounts: text).decode()
}
