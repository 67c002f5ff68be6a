/// A stack of linear layers with ReLU between them and none after the last (follows the `MLP`
/// of Meta's `mask_decoder.py`, itself from MaskFormer): SAM's hypernetworks and IoU head.
/// Keys `<key>.layers.<i>.{weight,bias}`.
public struct SAMMLP: Sendable {
    public let layers: [LinearLayer]

    public init(loading key: String, from loader: inout WeightLoader, input: Int, hidden: Int, output: Int, depth: Int) throws {
        var layers: [LinearLayer] = []
        for i in 0..<depth {
            let inF = i == 0 ? input : hidden, outF = i == depth - 1 ? output : hidden
            layers.append(try LinearLayer(loading: "\(key).layers.\(i)", from: &loader, in: inF, out: outF))
        }
        self.layers = layers
    }

    public var outFeatures: Int { layers.last?.outFeatures ?? 0 }

    /// One input row of `layers[0].inFeatures` floats → `outFeatures` floats.
    public func callAsFunction(_ x: UnsafePointer<Float>) -> [Float] {
        var current = Array(UnsafeBufferPointer(start: x, count: layers[0].inFeatures))
        for (i, layer) in layers.enumerated() {
            var next = [Float](repeating: 0, count: layer.outFeatures)
            layer.weight.withUnsafeFloats { w in
                current.withUnsafeBufferPointer { c in
                    next.withUnsafeMutableBufferPointer { n in
                        GEMM.linear(c.baseAddress!, rows: 1, inFeatures: layer.inFeatures, weight: w.baseAddress!,
                                    outFeatures: layer.outFeatures, bias: layer.bias?.scalars, into: n.baseAddress!)
                    }
                }
            }
            if i < layers.count - 1 { for j in next.indices { next[j] = max(next[j], 0) } }
            current = next
        }
        return current
    }
}
