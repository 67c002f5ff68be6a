import Annotate
import Foundation
import TestSupport

/// Larger datasets in the OpenImages, ScanNet (.sens) and RefCOCO formats, written at test
/// time (the kill-and-resume tests need more images than a committed fixture should hold).
/// Every image is a distinct small JPEG; masks are rectangles that vary with the index.
enum GeneratedImportSets {
    static func jpeg(_ seed: Int, width: Int = 32, height: Int = 24) throws -> [UInt8] {
        var samples = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 3
                samples[i] = UInt8(truncatingIfNeeded: x * 8 + seed)
                samples[i + 1] = UInt8(truncatingIfNeeded: y * 10 + seed / 256)
                samples[i + 2] = UInt8(truncatingIfNeeded: (x ^ y) * 16 + seed * 7)
            }
        }
        return try JPEGCodec.encode(PixelBuffer(width: width, height: height, channels: 3, samples: samples), quality: 90)
    }

    static func rectangle(_ seed: Int, width: Int, height: Int) throws -> BinaryMask {
        var values = [UInt8](repeating: 0, count: width * height)
        let x0 = seed % (width / 2), y0 = (seed / 3) % (height / 2)
        for y in y0..<min(height, y0 + height / 3) { for x in x0..<min(width, x0 + width / 3) { values[y * width + x] = 1 } }
        return try BinaryMask(width: width, height: height, values: values)
    }

    /// `count` images with two masks each (half-size PNGs in `validation-masks/`).
    static func openImages(count: Int, in folder: TemporaryFolder, name: String) throws -> String {
        var csv = "MaskPath,ImageID,LabelName,BoxID,BoxXMin,BoxXMax,BoxYMin,BoxYMax,PredictedIoU,Clicks\n"
        for index in 0..<count {
            let id = String(format: "%016llx", UInt64(index) &* 0x9E3779B97F4A7C15)
            try folder.write("\(name)/validation/\(id).jpg", try jpeg(index))
            for k in 0..<2 {
                let mask = "\(id)_m0\(k)_\(String(format: "%08x", index * 2 + k)).png"
                try folder.write("\(name)/validation-masks/\(mask)", try MaskPNG.encode(try rectangle(index + k * 5, width: 16, height: 12)))
                csv += "\(mask),\(id),/m/0\(k),\(String(format: "%08x", index * 2 + k)),0.1,0.5,0.1,0.5,0.75,0.2 0.2 1\n"
            }
        }
        try folder.write("\(name)/validation-annotations-object-segmentation.csv", Array(csv.utf8))
        try folder.write("\(name)/class-descriptions-boxable.csv", Array("/m/00,Thing\n/m/01,Other thing\n".utf8))
        return folder.file(name)
    }

    /// One scene: a .sens stream of `count` frames with unpacked label-filt/ and instance-filt/.
    static func scanNet(count: Int, in folder: TemporaryFolder, name: String) throws -> String {
        let scene = "scene0007_00"
        var sens: [UInt8] = []
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { sens += $0 } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { sens += $0 } }
        func f32(_ v: Float) { u32(v.bitPattern) }
        u32(4); u64(3); sens += Array("gen".utf8)
        for m in 0..<4 { for i in 0..<16 { f32(i % 5 == 0 ? (m % 2 == 0 ? 100 : 1) : 0) } }
        u32(2); u32(0); u32(32); u32(24); u32(16); u32(12); f32(1000); u64(UInt64(count))
        for index in 0..<count {
            for i in 0..<16 { f32(i % 5 == 0 ? 1 : (i == 3 ? Float(index) / 10 : 0)) }
            let color = try jpeg(index)
            u64(UInt64(index)); u64(UInt64(index)); u64(UInt64(color.count)); u64(0)
            sens += color
            var labels = LabelMask(width: 16, height: 12)
            var instances = LabelMask(width: 16, height: 12)
            let a = try rectangle(index, width: 16, height: 12), b = try rectangle(index + 7, width: 16, height: 12)
            for i in 0..<a.pixels.count where a.pixels[i] == 1 { labels.values[i] = 1; instances.values[i] = 1 }
            for i in 0..<b.pixels.count where b.pixels[i] == 1 { labels.values[i] = 2; instances.values[i] = 2 }
            try folder.write("\(name)/\(scene)/label-filt/\(index).png", try MaskPNG.encode(labels))
            try folder.write("\(name)/\(scene)/instance-filt/\(index).png", try MaskPNG.encode(instances))
        }
        try folder.write("\(name)/\(scene)/\(scene).sens", sens)
        try folder.write("\(name)/scannetv2-labels.combined.tsv",
                         Array("id\traw_category\tcategory\tnyu40class\n1\twall\twall\twall\n2\tchair\tchair\tchair\n".utf8))
        return folder.file(name)
    }

    /// `count` images, two polygon annotations each, in a COCO instances JSON written the
    /// awkward way: annotations first (in an order unrelated to their images), then images in
    /// descending id order, categories last.
    static func coco(count: Int, in folder: TemporaryFolder, name: String) throws -> String {
        var images: [[String: Any]] = [], annotations: [[String: Any]] = []
        for index in 0..<count {
            try folder.write("\(name)/images/\(index).jpg", try jpeg(index))
            images.append(["id": 100 + index, "file_name": "\(index).jpg", "width": 32, "height": 24])
            for k in 0..<2 {
                let x = Double(index % 10 + 10 * k)
                annotations.append(["id": 7000 + 2 * index + k, "image_id": 100 + index, "category_id": 1 + k, "iscrowd": 0,
                                    "segmentation": [[x, 2, x + 12, 3, x + 8, 20]]])
            }
        }
        // A fixed permutation (a multiplicative step coprime to the count) of the annotations.
        let step = stride(from: 7919, to: 1_000_000, by: 2).first { gcd($0, annotations.count) == 1 } ?? 1
        let shuffled = (0..<annotations.count).map { annotations[($0 * step) % annotations.count] }
        let text = "{\"annotations\": " + String(decoding: try JSONSerialization.data(withJSONObject: shuffled), as: UTF8.self)
            + ",\n\"images\": " + String(decoding: try JSONSerialization.data(withJSONObject: Array(images.reversed())), as: UTF8.self)
            + ",\n\"categories\": [{\"id\": 1, \"name\": \"left\"}, {\"id\": 2, \"name\": \"right\"}]}"
        try folder.write("\(name)/instances.json", Array(text.utf8))
        return folder.file(name)
    }

    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

    /// `count` images, two annotations each with one ref (two sentences) each; the refs as a protocol-2 pickle.
    static func refCOCO(count: Int, in folder: TemporaryFolder, name: String) throws -> String {
        var images: [[String: Any]] = [], annotations: [[String: Any]] = []
        var pickle = PickleWriter()
        pickle.beginList()
        for index in 0..<count {
            let imageID = 1000 + index
            try folder.write("\(name)/train2014/" + String(format: "COCO_train2014_%012d.jpg", imageID), try jpeg(index))
            images.append(["id": imageID, "file_name": String(format: "COCO_train2014_%012d.jpg", imageID), "width": 32, "height": 24])
            for k in 0..<2 {
                let x = Double(index % 10 + 10 * k), annID = 5000 + 2 * index + k, refID = 2 * index + k
                annotations.append(["id": annID, "image_id": imageID, "category_id": 1, "iscrowd": 0,
                                    "segmentation": [[x, 2, x + 12, 3, x + 8, 20]], "area": 100, "bbox": [x, 2, 12, 18]])
                pickle.dict([("ref_id", .int(refID)), ("ann_id", .int(annID)), ("image_id", .int(imageID)), ("category_id", .int(1)),
                             ("split", .string(index % 5 == 0 ? "val" : "train")), ("file_name", .string("x.jpg")),
                             ("sentences", .list([[("sent", .string("the shape number \(refID)")), ("sent_id", .int(2 * refID))],
                                                  [("sent", .string("shape \(refID) on the left")), ("sent_id", .int(2 * refID + 1))]]))])
            }
        }
        pickle.endList()
        try folder.write("\(name)/refs(unc).p", pickle.finish())
        let instances: [String: Any] = ["images": images, "annotations": annotations, "categories": [["id": 1, "name": "shape"]]]
        try folder.write("\(name)/instances.json", [UInt8](try JSONSerialization.data(withJSONObject: instances)))
        return folder.file(name)
    }
}

/// Writes the protocol-2 opcodes the refer API's pickles use (lists, dicts, unicode, ints).
struct PickleWriter {
    enum Value {
        case int(Int)
        case string(String)
        case list([[(String, Value)]])
    }

    private var bytes: [UInt8] = [0x80, 2]

    mutating func beginList() { bytes += [0x5D, 0x28] } // EMPTY_LIST, MARK
    mutating func endList() { bytes.append(0x65) } // APPENDS

    mutating func dict(_ items: [(String, Value)]) {
        bytes += [0x7D, 0x28] // EMPTY_DICT, MARK
        for (key, value) in items {
            string(key)
            switch value {
            case .int(let i):
                bytes.append(0x4A) // BININT
                withUnsafeBytes(of: Int32(i).littleEndian) { bytes += $0 }
            case .string(let s): string(s)
            case .list(let dicts):
                beginList()
                for d in dicts { dict(d) }
                endList()
            }
        }
        bytes.append(0x75) // SETITEMS
    }

    private mutating func string(_ s: String) {
        bytes.append(0x58) // BINUNICODE
        withUnsafeBytes(of: UInt32(s.utf8.count).littleEndian) { bytes += $0 }
        bytes += Array(s.utf8)
    }

    mutating func finish() -> [UInt8] { bytes + [0x2E] } // STOP
}
