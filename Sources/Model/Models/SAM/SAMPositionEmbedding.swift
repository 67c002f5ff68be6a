#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SAM's positional encoding with random spatial frequencies (follows Meta's
/// `PositionEmbeddingRandom`, after Tancik et al.'s Fourier features): a point (x, y) in [0, 1]²
/// becomes sin and cos of 2π · ((2x − 1, 2y − 1) · G) for a fixed Gaussian matrix G [2, F],
/// giving 2F = `prompt_embed_dim` features. Arithmetic in fp32, in PyTorch's order.
public struct SAMPositionEmbedding: Sendable {
    /// G, row-major [2, features].
    public let gaussian: [Float]
    /// F: frequencies per axis (half the output width).
    public let features: Int

    /// `gaussian` is `positional_encoding_gaussian_matrix` [2, F].
    public init(gaussian: Tensor) {
        precondition(gaussian.rank == 2 && gaussian.shape[0] == 2, "SAMPositionEmbedding: matrix must be [2, F], got \(gaussian.shape)")
        self.gaussian = gaussian.scalars
        self.features = gaussian.shape[1]
    }

    /// Encodes the normalized point (x, y) into `out[0..<2F]`: sines first, then cosines.
    @inline(__always)
    public func encode(x: Float, y: Float, into out: UnsafeMutablePointer<Float>) {
        let cx = 2 * x - 1, cy = 2 * y - 1
        let twoPi = Float(2 * Double.pi)
        gaussian.withUnsafeBufferPointer { g in
            for f in 0..<features {
                let v = twoPi * (cx * g[f] + cy * g[features + f])
                out[f] = sinf(v)
                out[features + f] = cosf(v)
            }
        }
    }

    /// Encodes a point given in pixels of an input frame of `size` (height, width): x / width,
    /// y / height (Meta's `forward_with_coords`; callers add the +0.5 pixel-centre shift).
    public func encode(pixelX: Float, pixelY: Float, inputSize: (height: Int, width: Int), into out: UnsafeMutablePointer<Float>) {
        encode(x: pixelX / Float(inputSize.width), y: pixelY / Float(inputSize.height), into: out)
    }

    /// The encoding of every cell centre of an h × w grid ((i + 0.5) / h, (j + 0.5) / w), as
    /// rows [h·w, 2F] (token layout, the transposed form of Meta's `get_dense_pe`).
    public func grid(height: Int, width: Int) -> [Float] {
        let dim = 2 * features
        return [Float](unsafeUninitializedCapacity: height * width * dim) { buffer, count in
            for i in 0..<height {
                for j in 0..<width {
                    // Meta: cumsum of ones − 0.5, divided by the side, in fp32.
                    let y = (Float(i + 1) - 0.5) / Float(height), x = (Float(j + 1) - 0.5) / Float(width)
                    encode(x: x, y: y, into: buffer.baseAddress! + (i * width + j) * dim)
                }
            }
            count = height * width * dim
        }
    }
}
