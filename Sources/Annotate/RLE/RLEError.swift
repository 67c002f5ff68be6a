/// Why a COCO RLE could not be read, built or combined.
public enum RLEError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A character outside the compressed alphabet `0`…`o` (ASCII 48–111).
    case invalidCharacter(position: Int, byte: UInt8)
    /// The string ends inside a multi-character value (its last character has the 0x20 "more" bit).
    case truncatedValue(position: Int)
    /// A value needs more than 32 bits.
    case valueOverflow(position: Int)
    /// A decoded count is negative (the delta coding went below zero).
    case negativeCount(index: Int, value: Int64)
    /// The counts do not add up to `height * width`.
    case countsDoNotMatchSize(sum: Int, height: Int, width: Int)
    /// A size that is negative or too large for 32-bit counts.
    case invalidSize(height: Int, width: Int)
    /// RLEs of different sizes were combined.
    case sizeMismatch(operation: String, first: [Int], other: [Int])
    /// An operation that needs at least one RLE got none.
    case empty(operation: String)
    /// `iscrowd` must have one flag per ground-truth RLE.
    case crowdFlagsMismatch(groundTruth: Int, flags: Int)
    /// The JSON object is not `{"size": [h, w], "counts": ...}`.
    case malformedJSON(source: String, reason: String)

    public var description: String {
        switch self {
        case .invalidCharacter(let position, let byte):
            "RLE counts string: invalid character \(Self.show(byte)) at offset \(position) (allowed: ASCII 48-111, '0'...'o')"
        case .truncatedValue(let position):
            "RLE counts string: truncated value at offset \(position) (last character has the continuation bit)"
        case .valueOverflow(let position):
            "RLE counts string: value at offset \(position) does not fit in 32 bits"
        case .negativeCount(let index, let value):
            "RLE counts: count #\(index) decodes to \(value) (negative)"
        case .countsDoNotMatchSize(let sum, let height, let width):
            "RLE counts sum to \(sum) but size [\(height), \(width)] has \(height * width) pixels"
        case .invalidSize(let height, let width):
            "RLE size [\(height), \(width)] is invalid (must be non-negative, at most 2^32-1 pixels)"
        case .sizeMismatch(let operation, let first, let other):
            "\(operation): RLE sizes differ: \(first) vs \(other)"
        case .empty(let operation):
            "\(operation): needs at least one RLE"
        case .crowdFlagsMismatch(let groundTruth, let flags):
            "iou: \(flags) iscrowd flags for \(groundTruth) ground-truth RLEs"
        case .malformedJSON(let source, let reason):
            "\(source): not a COCO RLE object {\"size\": [h, w], \"counts\": ...}: \(reason)"
        }
    }

    private static func show(_ byte: UInt8) -> String {
        (32..<127).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "0x\(String(byte, radix: 16))"
    }
}
