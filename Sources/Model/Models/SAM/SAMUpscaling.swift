/// A 2×2 stride-2 transposed convolution (no padding) of SAM's output upscaling, held as the
/// linear layer it is on pixel rows: each input pixel's C channels give its four output pixels'
/// channels independently (no overlap), so out row (pixel, ky, kx) = W[:, :, ky, kx]ᵀ · x[pixel] + b.
/// `layer` maps a [P, inChannels] row block to [P, 4 · outChannels] = [4P, outChannels] rows in
/// block order (pixel, ky·2 + kx).
public struct SAMUpscaling: Sendable {
    public let layer: LinearLayer
    public let inChannels: Int, outChannels: Int

    /// `weight` in PyTorch ConvTranspose2d layout [in, out, 2, 2]; `bias` [out].
    public init(weight: Tensor, bias: Tensor) {
        precondition(weight.rank == 4 && weight.shape[2] == 2 && weight.shape[3] == 2 && bias.shape == [weight.shape[1]],
                     "SAMUpscaling: weight \(weight.shape) / bias \(bias.shape) is not a 2×2 transposed convolution")
        let cin = weight.shape[0], cout = weight.shape[1]
        inChannels = cin
        outChannels = cout
        let w = weight.scalars, b = bias.scalars
        // Linear weight [(k, oc), ci] = W[ci, oc, ky, kx] with k = ky·2 + kx.
        var linear = [Float](repeating: 0, count: 4 * cout * cin)
        for ci in 0..<cin {
            for oc in 0..<cout {
                for k in 0..<4 { linear[(k * cout + oc) * cin + ci] = w[(ci * cout + oc) * 4 + k] }
            }
        }
        let linearBias = (0..<4).flatMap { _ in b }
        layer = LinearLayer(weight: Tensor(shape: [4 * cout, cin], data: linear), bias: Tensor(shape: [4 * cout], data: linearBias))
    }
}
