/// An image as interleaved samples in row-major order: `samples[(y * width + x) * channels + c]`.
///
/// 8-bit images use `PixelBuffer<UInt8>`; 16-bit PNGs (ScanNet label maps, depth) use
/// `PixelBuffer<UInt16>` so label values survive decoding unchanged.
public struct PixelBuffer<Sample: FixedWidthInteger & UnsignedInteger & Sendable>: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// 1 gray (or palette indices), 2 gray + alpha, 3 RGB, 4 RGBA.
    public var channels: Int
    public var samples: [Sample]

    /// Wraps existing samples; the count must be `width * height * channels`.
    public init(width: Int, height: Int, channels: Int, samples: [Sample]) {
        precondition(width >= 0 && height >= 0 && (1...4).contains(channels), "invalid pixel buffer shape")
        precondition(samples.count == width * height * channels, "sample count does not match the shape")
        self.width = width
        self.height = height
        self.channels = channels
        self.samples = samples
    }

    /// A buffer filled with one value.
    public init(width: Int, height: Int, channels: Int, filledWith value: Sample = 0) {
        self.init(width: width, height: height, channels: channels,
                  samples: [Sample](repeating: value, count: width * height * channels))
    }

    /// The sample of channel `c` at column `x`, row `y`.
    @inlinable public subscript(x: Int, y: Int, c: Int) -> Sample {
        get { samples[(y * width + x) * channels + c] }
        set { samples[(y * width + x) * channels + c] = newValue }
    }
}

/// A decoded image at the bit depth of its file.
public enum DecodedImage: Sendable, Equatable {
    case uint8(PixelBuffer<UInt8>)
    case uint16(PixelBuffer<UInt16>)

    public var width: Int {
        switch self { case .uint8(let b): b.width; case .uint16(let b): b.width }
    }
    public var height: Int {
        switch self { case .uint8(let b): b.height; case .uint16(let b): b.height }
    }
    public var channels: Int {
        switch self { case .uint8(let b): b.channels; case .uint16(let b): b.channels }
    }

    /// The image reduced to 8 bits per sample (16-bit samples keep their high byte).
    public var eightBit: PixelBuffer<UInt8> {
        switch self {
        case .uint8(let b): return b
        case .uint16(let b):
            return PixelBuffer(width: b.width, height: b.height, channels: b.channels,
                               samples: b.samples.map { UInt8(truncatingIfNeeded: $0 >> 8) })
        }
    }
}
