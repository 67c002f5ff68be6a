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
        let sx = MaskResize.sourceIndices(map.width, width), sy = MaskResize.sourceIndices(map.height, height)
        var values = [Int](repeating: 0, count: width * height)
        for y in 0..<height {
            let row = sy[y] * map.width
            for x in 0..<width { values[y * width + x] = map.values[row + sx[x]] }
        }
        return Map(width: width, height: height, values: values)
    }

    static func regions(labels: Map, instances: Map?, width: Int, height: Int) throws -> [Region] {
        guard labels.width > 0, labels.height > 0 else { throw MaskError.invalidGeometry(operation: "labels", reason: "empty label image") }
        guard let instances else {
            // One region per label present.
            let present = Set(labels.values).subtracting([0]).sorted()
            return try present.compactMap { label in
                let mask = try BinaryMask(width: labels.width, height: labels.height, values: labels.values.map { $0 == label ? 1 : 0 })
                let rle = try RLE(scaling: mask, width: width, height: height)
                // A label so small that scaling down drops it has no region.
                return rle.area > 0 ? Region(key: "label:\(label)", instance: nil, label: label, rle: rle) : nil
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
            let rle = try RLE(scaling: small, width: width, height: height)
            if rle.area > 0 { regions.append(Region(key: "instance:\(instance)", instance: instance, label: label, rle: rle)) }
        }
        return regions
    }
}
