import Serialization

/// The bytes of one storage (a flat buffer that one or more tensors view).
///
/// Mapped storages point into a memory-mapped checkpoint file (no copy); owned ones hold bytes
/// that had to be inflated or read.
public struct CheckpointStorage: Sendable {
    public enum Backing: Sendable {
        case mapped(MappedFile, Range<Int>)
        case owned([UInt8])
    }

    public let backing: Backing

    /// A mapped range must lie inside its file (callers take it from a validated archive entry).
    public init(_ backing: Backing) {
        if case .mapped(let file, let range) = backing {
            precondition(range.lowerBound >= 0 && range.upperBound <= file.count, "storage range outside the mapped file")
        }
        self.backing = backing
    }

    public var byteCount: Int {
        switch backing {
        case .mapped(_, let range): range.count
        case .owned(let bytes): bytes.count
        }
    }

    /// The file and byte range holding this storage uncompressed, when it lies in a file.
    public var fileRange: (file: MappedFile, range: Range<Int>)? {
        if case .mapped(let file, let range) = backing { return (file, range) }
        return nil
    }

    /// Calls `body` with the storage bytes (no copy).
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch backing {
        case .mapped(let file, let range): try body(UnsafeRawBufferPointer(rebasing: file.bytes[range]))
        case .owned(let bytes): try bytes.withUnsafeBytes(body)
        }
    }
}
