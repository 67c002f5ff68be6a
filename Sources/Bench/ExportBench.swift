import Annotate
import DatasetStore
import Foundation
import GRDB

/// `lisakit-bench export setup DIR N`: a store DIR/bench.db with N distinct 640×480 JPEGs (in
/// DIR/images), each with one RLE mask and two instructions.
/// `lisakit-bench export run DIR OUT [MAX_BYTES]`: times the WebDataset export of that store
/// into OUT (written from scratch). JSON on stdout: seconds, bytes, samples, shards, MB/s.
enum ExportBench {
    static func run(_ arguments: [String]) throws {
        guard arguments.count >= 2 else { throw BenchError.usage("export setup DIR N | export run DIR OUT [MAX_BYTES]") }
        switch arguments[0] {
        case "setup": try setup(folder: arguments[1], count: arguments.count > 2 ? Int(arguments[2]) ?? 200 : 200)
        case "run":
            guard arguments.count >= 3 else { throw BenchError.usage("export run DIR OUT [MAX_BYTES]") }
            try export(folder: arguments[1], out: arguments[2], maxBytes: arguments.count > 3 ? Int(arguments[3]) ?? (1 << 28) : 1 << 28)
        default: throw BenchError.usage("export setup|run")
        }
    }

    enum BenchError: Error, CustomStringConvertible {
        case usage(String)
        var description: String { switch self { case .usage(let text): "usage: lisakit-bench \(text)" } }
    }

    static func setup(folder: String, count: Int) throws {
        let images = folder + "/images"
        try FileManager.default.createDirectory(atPath: images, withIntermediateDirectories: true)
        let w = 640, h = 480
        var paths: [String] = []
        var state: UInt64 = 0x9E3779B97F4A7C15
        for index in 0..<count {
            // Smooth gradients plus noise: a photo-like JPEG of ~100 kB, distinct per index.
            var samples = [UInt8](repeating: 0, count: w * h * 3)
            for y in 0..<h {
                for x in 0..<w {
                    state ^= state << 13; state ^= state >> 7; state ^= state << 17
                    let noise = Int(state & 31)
                    let base = (y * w + x) * 3
                    samples[base] = UInt8(truncatingIfNeeded: x / 3 + index * 7 + noise)
                    samples[base + 1] = UInt8(truncatingIfNeeded: y / 2 + noise)
                    samples[base + 2] = UInt8(truncatingIfNeeded: (x + y) / 5 + index + noise)
                }
            }
            let bytes = try JPEGCodec.encode(PixelBuffer(width: w, height: h, channels: 3, samples: samples), quality: 90)
            let path = images + "/img\(index).jpg"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            paths.append(path)
        }
        let store = try DatasetStore.create(at: folder + "/bench.db").store
        _ = try ImageRegistrar(store: store).register(paths, options: ImageRegistrationOptions(root: images, split: .train))
        var values = [UInt8](repeating: 0, count: w * h)
        try store.write { db in
            let writer = RecordWriter(db)
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM images ORDER BY id")
            for (n, id) in ids.enumerated() {
                for i in values.indices { values[i] = 0 }
                let cx = 100 + (n * 37) % 440, cy = 80 + (n * 53) % 320
                for y in max(0, cy - 60)..<min(h, cy + 60) {
                    for x in max(0, cx - 90)..<min(w, cx + 90) where (x - cx) * (x - cx) * 4 + (y - cy) * (y - cy) * 9 < 32400 { values[y * w + x] = 1 }
                }
                let rle = RLE(encoding: try BinaryMask(width: w, height: h, values: values))
                let mask = try writer.insert(try AnnotationGeometry.rle(rle).annotation(imageID: id, categoryID: nil, instanceKey: "m"))
                try writer.insert(NewInstruction(imageID: id, key: "a", text: "the ellipse in image \(n)", kind: .referring, isSentence: false,
                                                 targetAnnotationIDs: [mask.id]))
                try writer.insert(NewInstruction(imageID: id, key: "b", text: "What shape would roll if pushed? (\(n))", kind: .reasoning,
                                                 isSentence: true, targetAnnotationIDs: [mask.id]))
            }
        }
        print("{\"images\": \(count)}")
    }

    static func export(folder: String, out: String, maxBytes: Int) throws {
        let store = try DatasetStore.open(at: folder + "/bench.db")
        let exporter = WebDatasetExporter(stream: ExportStream(store: store, filter: ExportFilter()),
                                          options: WebDatasetOptions(maxSamplesPerShard: 1_000_000, maxBytesPerShard: maxBytes))
        // The previous run's output goes before the clock starts (the tar peer also starts
        // from no file).
        if FileManager.default.fileExists(atPath: out) { try FileManager.default.removeItem(atPath: out) }
        let start = DispatchTime.now().uptimeNanoseconds
        let report = try exporter.run(to: out)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let result: [String: Any] = ["seconds": seconds, "bytes": report.bytes, "samples": report.samples, "shards": report.shards.count,
                                     "mb_per_second": Double(report.bytes) / 1e6 / seconds]
        print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
    }
}
