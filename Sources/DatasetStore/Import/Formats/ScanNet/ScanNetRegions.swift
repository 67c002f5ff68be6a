import Annotate

/// Turns a ScanNet frame's label map (16-bit label ids) and instance map (8-bit instance ids)
/// into one mask per instance, labelled by the most frequent nonzero label under it, scaled
/// (nearest, as `cv2.resize(INTER_NEAREST)`) to the colour frame. Without an instance map, each
/// label present becomes one region. Id 0 is "unannotated" in both maps.
enum ScanNetRegions {
    struct Map {
        var width: Int
        var height: Int
        var values: [Int]
    }

    struct Region {
        var key: String
        var instance: Int?
        var label: Int
        var rle: RLE
    }

    /// The first channel of a label PNG, at its bit depth.
    static func decode(_ bytes: [UInt8], source: String) throws -> Map {
        let image = try PNGCodec.decode(bytes, source: source, options: .init(paletteAsIndices: true, keep16Bit: true))
        switch image {
        case .uint8(let b):
            return Map(width: b.width, height: b.height, values: stride(from: 0, to: b.samples.count, by: b.channels).map { Int(b.samples[$0]) })
        case .uint16(let b):
            return Map(width: b.width, height: b.height, values: stride(from: 0, to: b.samples.count, by: b.channels).map { Int(b.samples[$0]) })
        }
    }

    /// `map` resized (nearest) to `width`×`height`.
    static func nearest(_ map: Map, width: Int, height: Int) -> Map {
        if map.width == width && map.height == height { return map }
        let sx = sourceIndices(map.width, width), sy = sourceIndices(map.height, height)
        var values = [Int](repeating: 0, count: width * height)
        for y in 0..<height {
            let row = sy[y] * map.width
            for x in 0..<width { values[y * width + x] = map.values[row + sx[x]] }
        }
        return Map(width: width, height: height, values: values)
    }

    /// OpenCV's INTER_NEAREST source index: `min(floor(x * (1 / (dst / src))), src - 1)`, with
    /// the inverse scale computed as OpenCV does (the same rule as `MaskResize.nearest`).
    static func sourceIndices(_ source: Int, _ destination: Int) -> [Int] {
        let inverse = 1.0 / (Double(destination) / Double(source))
        return (0..<destination).map { min(Int((Double($0) * inverse).rounded(.down)), source - 1) }
    }

    static func regions(labels: Map, instances: Map?, width: Int, height: Int) throws -> [Region] {
        guard labels.width > 0, labels.height > 0 else { throw MaskError.invalidGeometry(operation: "labels", reason: "empty label image") }
        guard let instances else {
            // One region per label present.
            let scaled = nearest(labels, width: width, height: height)
            let present = Set(scaled.values).subtracting([0]).sorted()
            return try present.map { label in
                let mask = try BinaryMask(width: width, height: height, values: scaled.values.map { $0 == label ? 1 : 0 })
                return Region(key: "label:\(label)", instance: nil, label: label, rle: RLE(encoding: mask))
            }
        }
        // Labels are voted on the instance map's grid.
        let grid = nearest(labels, width: instances.width, height: instances.height)
        var votes: [Int: [Int: Int]] = [:]
        for i in 0..<instances.values.count {
            let instance = instances.values[i]
            if instance == 0 { continue }
            let label = grid.values[i]
            if label == 0 { continue }
            votes[instance, default: [:]][label, default: 0] += 1
        }
        var regions: [Region] = []
        for instance in votes.keys.sorted() {
            let counts = votes[instance] ?? [:]
            // Most frequent nonzero label; ties go to the smaller id.
            guard let label = counts.filter({ $0.key != 0 }).max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key })?.key else {
                continue
            }
            let small = try BinaryMask(width: instances.width, height: instances.height, values: instances.values.map { $0 == instance ? 1 : 0 })
            let mask = small.width == width && small.height == height ? small : try MaskResize.nearest(small, width: width, height: height)
            regions.append(Region(key: "instance:\(instance)", instance: instance, label: label, rle: RLE(encoding: mask)))
        }
        return regions
    }
}
