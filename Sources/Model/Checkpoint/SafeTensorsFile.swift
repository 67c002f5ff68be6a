import Foundation
import Serialization

/// One `.safetensors` file, memory-mapped, with its header parsed and validated up front.
///
/// Format (follows Hugging Face safetensors): an 8-byte little-endian header length N, N bytes
/// of JSON `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}`,
/// then the data; offsets are relative to the data start. Validation: N fits in the file and
/// is at most 100 MB, every dtype is known, `end - begin` equals the element count times the
/// dtype size, every range lies inside the data, and no two ranges overlap.
public final class SafeTensorsFile: TensorSource, @unchecked Sendable {
    /// Tensor element types the format defines.
    public enum StoredType: String, Sendable, CaseIterable {
        case F64, F32, F16, BF16, I64, I32, I16, I8, U8, U16, U32, U64, BOOL, F8_E4M3, F8_E5M2

        public var byteSize: Int {
            switch self {
            case .F64, .I64, .U64: 8
            case .F32, .I32, .U32: 4
            case .F16, .BF16, .I16, .U16: 2
            case .I8, .U8, .BOOL, .F8_E4M3, .F8_E5M2: 1
            }
        }
    }

    public struct Entry: Sendable, Equatable {
        public var name: String
        public var type: StoredType
        public var shape: [Int]
        /// Absolute byte range in the file.
        public var range: Range<Int>
    }

    public let path: String
    public let entries: [String: Entry]
    public let metadata: [String: String]
    private let file: MappedFile

    public static let maxHeaderBytes = 100_000_000

    public init(path: String) throws {
        let file: MappedFile
        do {
            file = try MappedFile(path: path)
        } catch {
            throw ModelError.unreadable(path: path, reason: "\(error)")
        }
        guard file.count > 0, let base = file.bytes.baseAddress else {
            throw ModelError.invalidFile(path: path, reason: "file is empty")
        }
        self.path = path
        self.file = file
        (entries, metadata) = try Self.parseHeader(base, count: file.count, path: path)
    }

    public var sourceDescription: String { path }
    public var tensorNames: [String] { entries.keys.sorted() }
    public func shape(of name: String) -> [Int]? { entries[name]?.shape }

    /// Raw bytes of `name` inside the map (valid while this object lives).
    public func rawBytes(of name: String) throws -> UnsafeRawBufferPointer {
        guard let e = entries[name] else {
            throw ModelError.invalidSafeTensors(path: path, tensor: name, reason: "no such tensor")
        }
        return UnsafeRawBufferPointer(rebasing: file.bytes[e.range])
    }

    public func tensor(named name: String, keepHalf: Bool = false) throws -> Tensor {
        guard let e = entries[name] else {
            throw ModelError.invalidSafeTensors(path: path, tensor: name, reason: "no such tensor")
        }
        let raw = UnsafeRawBufferPointer(rebasing: file.bytes[e.range])
        let n = e.shape.reduce(1, *)
        switch e.type {
        case .F32:
            // memcpy: data offsets need not be 4-byte aligned.
            return Tensor(shape: e.shape) { out in
                if n > 0 { UnsafeMutableRawPointer(out.baseAddress!).copyMemory(from: raw.baseAddress!, byteCount: n * 4) }
            }
        case .F16, .BF16:
            var bits = [UInt16](repeating: 0, count: n)
            bits.withUnsafeMutableBytes { if n > 0 { $0.baseAddress!.copyMemory(from: raw.baseAddress!, byteCount: n * 2) } }
            let dtype: DType = e.type == .F16 ? .f16 : .bf16
            let half = Tensor(shape: e.shape, halfBits: bits, dtype: dtype)
            return keepHalf ? half : half.contiguous()
        case .F64:
            return Tensor(shape: e.shape) { out in for i in 0..<n { out[i] = Float(raw.loadUnaligned(fromByteOffset: i * 8, as: Double.self)) } }
        case .I64:
            return Tensor(shape: e.shape) { out in for i in 0..<n { out[i] = Float(raw.loadUnaligned(fromByteOffset: i * 8, as: Int64.self)) } }
        case .I32:
            return Tensor(shape: e.shape) { out in for i in 0..<n { out[i] = Float(raw.loadUnaligned(fromByteOffset: i * 4, as: Int32.self)) } }
        case .U8, .BOOL:
            return Tensor(shape: e.shape) { out in for i in 0..<n { out[i] = Float(raw[i]) } }
        case .I8:
            return Tensor(shape: e.shape) { out in for i in 0..<n { out[i] = Float(Int8(bitPattern: raw[i])) } }
        case .I16, .U16, .U32, .U64, .F8_E4M3, .F8_E5M2:
            throw ModelError.unsupportedDType(path: path, tensor: name, dtype: e.type.rawValue)
        }
    }

    // MARK: - Header

    static func parseHeader(_ base: UnsafeRawPointer, count: Int, path: String) throws -> ([String: Entry], [String: String]) {
        func fail(_ reason: String, _ tensor: String? = nil) -> ModelError {
            .invalidSafeTensors(path: path, tensor: tensor, reason: reason)
        }
        guard count >= 8 else { throw fail("file is \(count) bytes, shorter than the 8-byte header length") }
        let headerLength = UInt64(littleEndian: base.loadUnaligned(as: UInt64.self))
        guard headerLength <= UInt64(maxHeaderBytes) else { throw fail("header length \(headerLength) exceeds \(maxHeaderBytes) bytes") }
        guard headerLength >= 2, Int(headerLength) <= count - 8 else {
            throw fail("header length \(headerLength) does not fit in a \(count)-byte file")
        }
        let headerData = Data(bytes: base + 8, count: Int(headerLength))
        let items: [String: HeaderItem]
        do {
            items = try JSONDecoder().decode([String: HeaderItem].self, from: headerData)
        } catch let DecodingError.dataCorrupted(context) where context.codingPath.isEmpty {
            throw fail("header is not a JSON object of tensors: \(context.debugDescription)")
        } catch let error as DecodingError {
            throw fail("header: \(Self.describe(error))")
        } catch {
            throw fail("header: \(error)")
        }
        let dataStart = 8 + Int(headerLength)
        let dataLength = count - dataStart

        var metadata: [String: String] = [:]
        var entries: [String: Entry] = [:]
        for (name, item) in items {
            let info: HeaderItem.TensorInfo
            switch item {
            case .metadata(let meta):
                guard name == "__metadata__" else { throw fail("entry has no dtype/shape/data_offsets", name) }
                metadata = meta
                continue
            case .tensor(let t):
                guard name != "__metadata__" else { throw fail("__metadata__ must map strings to strings") }
                info = t
            }
            guard let type = StoredType(rawValue: info.dtype) else { throw fail("unknown dtype '\(info.dtype)'", name) }
            let shape = info.shape
            guard shape.allSatisfy({ $0 >= 0 }) else { throw fail("shape \(shape) has a negative dimension", name) }
            guard info.dataOffsets.count == 2 else { throw fail("data_offsets must be two integers, got \(info.dataOffsets)", name) }
            let begin = info.dataOffsets[0], end = info.dataOffsets[1]
            guard begin >= 0, begin <= end else { throw fail("data_offsets [\(begin), \(end)] are reversed or negative", name) }
            guard end <= dataLength else {
                throw fail("data_offsets [\(begin), \(end)] run past the data (\(dataLength) bytes)", name)
            }
            var bytes = type.byteSize
            for d in shape {
                let (product, overflow) = bytes.multipliedReportingOverflow(by: d)
                guard !overflow else { throw fail("shape \(shape) overflows", name) }
                bytes = product
            }
            guard bytes == end - begin else {
                throw fail("shape \(shape) of \(info.dtype) needs \(bytes) bytes, data_offsets give \(end - begin)", name)
            }
            entries[name] = Entry(name: name, type: type, shape: shape, range: (dataStart + begin)..<(dataStart + end))
        }
        // No two tensors may share bytes.
        let sorted = entries.values.filter { !$0.range.isEmpty }.sorted { $0.range.lowerBound < $1.range.lowerBound }
        for (a, b) in zip(sorted, sorted.dropFirst()) where b.range.lowerBound < a.range.upperBound {
            throw fail("data of '\(a.name)' and '\(b.name)' overlap")
        }
        return (entries, metadata)
    }

    /// One value of the header object: a tensor description or the `__metadata__` map.
    enum HeaderItem: Decodable {
        struct TensorInfo: Decodable {
            var dtype: String
            var shape: [Int]
            var dataOffsets: [Int]
            enum CodingKeys: String, CodingKey {
                case dtype, shape
                case dataOffsets = "data_offsets"
            }
        }
        case tensor(TensorInfo)
        case metadata([String: String])

        init(from decoder: any Swift.Decoder) throws {
            let keys = try decoder.container(keyedBy: TensorInfo.CodingKeys.self)
            if keys.contains(.dtype) || keys.contains(.shape) || keys.contains(.dataOffsets) {
                self = .tensor(try TensorInfo(from: decoder))
            } else {
                self = .metadata(try decoder.singleValueContainer().decode([String: String].self))
            }
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ c: [CodingKey]) -> String { c.map(\.stringValue).joined(separator: ".") }
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
            return "\(path(c.codingPath)): \(c.debugDescription)"
        case .keyNotFound(let key, let c):
            return "\(path(c.codingPath)): missing '\(key.stringValue)'"
        @unknown default:
            return "\(error)"
        }
    }
}
