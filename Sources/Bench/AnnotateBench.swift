import Annotate
import Foundation
import Glibc

/// `lisakit-bench annotate --data DIR`: times RLE encode/decode, RLE IoU and polygon fill on
/// the masks tools/bench_annotate.py wrote to DIR (manifest.json, masks.u8, rles.json,
/// polygons.json) and prints seconds per operation as JSON.
enum AnnotateBench {
    struct BenchError: Error, CustomStringConvertible { let description: String }

    struct Manifest: Decodable {
        let height: Int
        let width: Int
        let count: Int
        let repeats: Int
    }

    static func run(_ args: [String]) throws {
        guard let index = args.firstIndex(of: "--data"), index + 1 < args.count else {
            throw BenchError(description: "usage: lisakit-bench annotate --data DIR")
        }
        let dir = args[index + 1]
        func read(_ name: String) throws -> Data {
            guard let data = FileManager.default.contents(atPath: dir + "/" + name) else {
                throw BenchError(description: "\(dir)/\(name): cannot read")
            }
            return data
        }
        let manifest = try JSONDecoder().decode(Manifest.self, from: read("manifest.json"))
        let raw = [UInt8](try read("masks.u8"))
        let size = manifest.width * manifest.height
        guard raw.count == size * manifest.count else { throw BenchError(description: "masks.u8 has the wrong size") }
        let masks = try (0..<manifest.count).map {
            try BinaryMask(width: manifest.width, height: manifest.height, values: Array(raw[($0 * size)..<(($0 + 1) * size)]))
        }
        let strings = try JSONDecoder().decode([String].self, from: read("rles.json"))
        let iouStrings = try JSONDecoder().decode([String: [String]].self, from: read("iou.json"))
        let polygons = try JSONDecoder().decode([[Int32]].self, from: read("polygons.json")).map { flat in
            stride(from: 0, to: flat.count - 1, by: 2).map { PixelPoint(x: flat[$0], y: flat[$0 + 1]) }
        }
        let h = manifest.height, w = manifest.width

        // Check before timing: our encode must give the strings pycocotools gave.
        for (mask, expected) in zip(masks, strings) where RLE(encoding: mask).compressedCounts != expected {
            throw BenchError(description: "encode disagrees with pycocotools")
        }

        var sink = 0
        func time(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
            var best = Double.infinity
            // CPU time of this thread: the benchmark machine is shared, and wall time
            // would count the time other processes hold the core.
            func now() -> Double {
                var ts = timespec()
                clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
                return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
            }
            for _ in 0..<repeats {
                let start = now()
                try body()
                best = min(best, now() - start)
            }
            return best
        }
        let repeats = manifest.repeats
        let encode = time(repeats) {
            for mask in masks { sink &+= RLE(encoding: mask).compressedCounts.utf8.count }
        } / Double(masks.count)
        let decode = try time(repeats) {
            for s in strings { sink &+= Int(try RLE(height: h, width: w, compressedCounts: s).decode().pixels[size / 2]) }
        } / Double(strings.count)
        let dtStrings = iouStrings["dt"] ?? [], gtStrings = iouStrings["gt"] ?? []
        let iou = try time(repeats) {
            let dt = try dtStrings.map { try RLE(height: h, width: w, compressedCounts: $0) }
            let gt = try gtStrings.map { try RLE(height: h, width: w, compressedCounts: $0) }
            let m = try RLE.iou(dt, gt, iscrowd: [Bool](repeating: false, count: gt.count))
            sink &+= m.count
        }
        var canvas = LabelMask(width: w, height: h)
        let fill = time(repeats) {
            for polygon in polygons {
                OpenCVDrawing.fillPoly(&canvas, contours: [polygon], value: 1, rule: .current)
            }
        } / Double(polygons.count)
        sink &+= Int(canvas.values[size / 2])
        // Why one byte per pixel: what a bit-packed mask would pay to feed byte kernels
        // (pack 8 pixels per byte and unpack again, multiply tricks, 8 pixels per step).
        var packed = [UInt8](repeating: 0, count: size / 8)
        var unpacked = [UInt8](repeating: 0, count: size)
        let bitRoundTrip = time(repeats) {
            for mask in masks {
                mask.pixels.withUnsafeBytes { src in
                    packed.withUnsafeMutableBufferPointer { dst in
                        for i in 0..<(size / 8) {
                            let word = src.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
                            dst[i] = UInt8(truncatingIfNeeded: (word &* 0x0102_0408_1020_4080) >> 56)
                        }
                    }
                }
                packed.withUnsafeBufferPointer { src in
                    unpacked.withUnsafeMutableBytes { dst in
                        for i in 0..<(size / 8) {
                            let spread = ((UInt64(src[i]) &* 0x8040_2010_0804_0201) >> 7) & 0x0101_0101_0101_0101
                            dst.storeBytes(of: spread, toByteOffset: i * 8, as: UInt64.self)
                        }
                    }
                }
                sink &+= Int(unpacked[size / 3])
            }
        } / Double(masks.count)
        // Ours only (no Python peer keeps holes): mask → polygons at the default tolerance.
        let tracing = time(max(1, repeats / 3)) {
            for mask in masks.prefix(5) { sink &+= ContourTracer.polygons(from: mask).count }
        } / 5
        let result: [String: Double] = ["bitpack_roundtrip": bitRoundTrip, "mask_to_polygons": tracing, "rle_encode": encode, "rle_decode": decode, "rle_iou_100x100": iou,
                                        "polygon_fill_200": fill, "sink": Double(sink % 2)]
        let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }
}
