import Annotate

extension RLE {
    /// The COCO RLE of `mask` scaled (nearest, as `cv2.resize(INTER_NEAREST)` and
    /// `MaskResize.nearest`) to `width`×`height`, without building the scaled mask: each
    /// destination column is a source column with every source row repeated as many times as
    /// destination rows map to it, so the runs come straight from the source pixels (source
    /// height × destination width reads instead of a full-size mask and its encoding).
    public init(scaling mask: BinaryMask, width: Int, height: Int) throws(MaskError) {
        guard width > 0, height > 0, mask.width > 0, mask.height > 0 else {
            throw .invalidGeometry(operation: "resize", reason: "cannot resize \(mask.width)x\(mask.height) to \(width)x\(height)")
        }
        if width == mask.width && height == mask.height {
            self.init(encoding: mask)
            return
        }
        let sourceWidth = mask.width, sourceHeight = mask.height
        let columns = MaskResize.sourceIndices(sourceWidth, width), rows = MaskResize.sourceIndices(sourceHeight, height)
        // Destination rows per source row (OpenCV's map is non-decreasing, so they are contiguous).
        var repeats = [Int](repeating: 0, count: sourceHeight)
        for row in rows { repeats[row] += 1 }
        let used = (0..<sourceHeight).filter { repeats[$0] > 0 }
        let usedRepeats = used.map { repeats[$0] }
        // The source transposed to column-major over the used rows, so the inner loop is contiguous.
        var transposed = [UInt8](repeating: 0, count: sourceWidth * used.count)
        mask.pixels.withUnsafeBufferPointer { pixels in
            transposed.withUnsafeMutableBufferPointer { out in
                for (k, row) in used.enumerated() {
                    let base = row * sourceWidth
                    for x in 0..<sourceWidth { out[x * used.count + k] = pixels[base + x] }
                }
            }
        }
        var counts: [UInt32] = []
        var current: UInt8 = 0
        var run = 0
        transposed.withUnsafeBufferPointer { source in
            usedRepeats.withUnsafeBufferPointer { rep in
                let n = rep.count
                for x in 0..<width {
                    let column = columns[x] * n
                    for k in 0..<n {
                        let value = source[column + k]
                        if value != current {
                            counts.append(UInt32(run))
                            run = 0
                            current = value
                        }
                        run += rep[k]
                    }
                }
            }
        }
        counts.append(UInt32(run))
        do { try self.init(height: height, width: width, counts: counts) } catch {
            throw .invalidGeometry(operation: "resize", reason: "\(error)")
        }
    }
}
