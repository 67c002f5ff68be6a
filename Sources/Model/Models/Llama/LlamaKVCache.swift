/// Keys and values of every position a decoder has seen, per layer, so each new token attends
/// to the past without recomputing it (the "past key values" of Hugging Face models).
///
/// Layout per layer: one row per position of `kvHeads × headDim` floats (the rows the K and V
/// projections produce, keys already rotated), so appending a step is one contiguous copy and a
/// head's keys are a strided matrix for GEMM.
public struct LlamaKVCache: Sendable {
    public let layerCount: Int
    /// Floats per position per layer (kvHeads × headDim).
    public let rowWidth: Int
    /// Positions held.
    public private(set) var count: Int = 0
    var keys: [[Float]]
    var values: [[Float]]

    /// An empty cache; `reserve` positions are allocated up front (it grows past them as needed).
    public init(layers: Int, rowWidth: Int, reserve: Int = 0) {
        layerCount = layers
        self.rowWidth = rowWidth
        keys = (0..<layers).map { _ in var a = [Float](); a.reserveCapacity(reserve * rowWidth); return a }
        values = keys
    }

    /// Appends `rows` positions of keys and values to `layer` (all layers must then advance together).
    mutating func append(layer: Int, keys k: UnsafePointer<Float>, values v: UnsafePointer<Float>, rows: Int) {
        keys[layer].append(contentsOf: UnsafeBufferPointer(start: k, count: rows * rowWidth))
        values[layer].append(contentsOf: UnsafeBufferPointer(start: v, count: rows * rowWidth))
    }

    /// Marks `rows` positions appended to every layer.
    mutating func advance(by rows: Int) {
        count += rows
        precondition(keys.allSatisfy { $0.count == count * rowWidth }, "LlamaKVCache: layers advanced unevenly")
    }

    /// Forgets everything after the first `length` positions (to rewind or reuse a prompt prefix).
    public mutating func truncate(to length: Int) {
        precondition(length >= 0 && length <= count, "LlamaKVCache: cannot truncate \(count) positions to \(length)")
        for l in 0..<layerCount {
            keys[l].removeSubrange((length * rowWidth)...)
            values[l].removeSubrange((length * rowWidth)...)
        }
        count = length
    }

    /// Bytes held by keys and values.
    public var byteCount: Int { 2 * layerCount * count * rowWidth * MemoryLayout<Float>.size }
}
