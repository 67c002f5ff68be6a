/// Embeds a low-resolution mask prompt (follows `mask_downscaling` in Meta's `PromptEncoder`):
/// Conv 2×2/2 → LayerNorm2d → GELU → Conv 2×2/2 → LayerNorm2d → GELU → Conv 1×1, taking a
/// 4H × 4W mask to a [C, H, W] dense prompt. Keys `<key>.{0,1,3,4,6}.*` (nn.Sequential indices).
public struct SAMMaskDownscaling: Sendable {
    public let conv1: (weight: Tensor, bias: Tensor)
    public let norm1: (weight: Tensor, bias: Tensor)
    public let conv2: (weight: Tensor, bias: Tensor)
    public let norm2: (weight: Tensor, bias: Tensor)
    public let conv3: (weight: Tensor, bias: Tensor)
    /// LayerNorm2d's eps (1e-6 in Meta's and Hugging Face's code).
    public let eps: Float = 1e-6

    public init(loading key: String, from loader: inout WeightLoader, maskChannels: Int, embedDim: Int) throws {
        let quarter = maskChannels / 4
        conv1 = (try loader.take("\(key).0.weight", shape: [quarter, 1, 2, 2]), try loader.take("\(key).0.bias", shape: [quarter]))
        norm1 = (try loader.take("\(key).1.weight", shape: [quarter]), try loader.take("\(key).1.bias", shape: [quarter]))
        conv2 = (try loader.take("\(key).3.weight", shape: [maskChannels, quarter, 2, 2]), try loader.take("\(key).3.bias", shape: [maskChannels]))
        norm2 = (try loader.take("\(key).4.weight", shape: [maskChannels]), try loader.take("\(key).4.bias", shape: [maskChannels]))
        conv3 = (try loader.take("\(key).6.weight", shape: [embedDim, maskChannels, 1, 1]), try loader.take("\(key).6.bias", shape: [embedDim]))
    }

    /// `mask` is `side` × `side` (row-major, side = 4 · embedding side); returns [C, side/4, side/4].
    public func callAsFunction(_ mask: [Float], side: Int) -> [Float] {
        var x = Tensor(shape: [1, 1, side, side], data: mask)
        x = Convolution.conv2d(x, weight: conv1.weight, bias: conv1.bias, stride: .square(2))
        Self.normGELU(&x, norm1, eps: eps)
        x = Convolution.conv2d(x, weight: conv2.weight, bias: conv2.bias, stride: .square(2))
        Self.normGELU(&x, norm2, eps: eps)
        x = Convolution.conv2d(x, weight: conv3.weight, bias: conv3.bias)
        return x.scalars
    }

    /// LayerNorm2d then exact GELU, in place on a [1, C, H, W] tensor.
    static func normGELU(_ x: inout Tensor, _ norm: (weight: Tensor, bias: Tensor), eps: Float) {
        let channels = x.shape[1], pixels = x.shape[2] * x.shape[3]
        x.withUnsafeMutableFloats { p in
            norm.weight.withUnsafeFloats { g in
                norm.bias.withUnsafeFloats { b in
                    Normalization.layerNormChannels(p.baseAddress!, channels: channels, pixels: pixels,
                                                   gamma: g.baseAddress!, beta: b.baseAddress!, eps: eps)
                }
            }
            Activation.geluErf.apply(p.baseAddress!, count: p.count)
        }
    }
}
