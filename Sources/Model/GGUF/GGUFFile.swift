import Serialization

/// A GGUF file (versions 2 and 3, little-endian), memory-mapped, with its header, metadata
/// and tensor table parsed and validated up front.
///
/// Format (ggml's `gguf.md`): magic `GGUF`, uint32 version, uint64 tensor count, uint64
/// key/value count; the key/values (string key, uint32 value type, value; arrays carry an
/// element type and uint64 count and may nest); the tensor table (string name, uint32 rank,
/// uint64 dims innermost first, uint32 ggml type, uint64 offset into the data section); then
/// padding to `general.alignment` (default 32) and the data section.
///
/// Validation: every length and count fits in the rest of the file before anything is
/// allocated; strings are UTF-8; keys and tensor names are unique; ranks are 1...4 and dims
/// positive; the row length is a multiple of the type's block size; offsets are aligned and
/// every tensor's bytes lie inside the file without overlapping another's. Tensor data stays
/// in the mapping: `rawBytes(of:)` hands out views, `dequantize` and `matrixWeight` read them.
public final class GGUFFile: @unchecked Sendable {
    public static let magic: UInt32 = 0x4655_4747  // "GGUF" read little-endian
    public static let defaultAlignment = 32
    /// Deepest nesting of arrays accepted in metadata.
    public static let maxArrayDepth = 8
    /// ggml's GGML_MAX_DIMS.
    public static let maxRank = 4

    public let path: String
    public let version: Int
    public let metadata: GGUFMetadata
    /// The tensor table in file order.
    public let tensors: [GGUFTensorInfo]
    /// `general.alignment` (or 32): tensor offsets and the data section are multiples of it.
    public let alignment: Int
    /// Absolute offset of the data section.
    public let dataOffset: Int
    private let byName: [String: Int]
    let file: MappedFile

    /// Maps and validates the file at `path`.
    public init(path: String) throws(GGUFError) {
        let file: MappedFile
        do {
            file = try MappedFile(path: path)
        } catch {
            throw .unreadable(path: path, reason: error.description)
        }
        guard file.count > 0, let base = file.bytes.baseAddress else {
            throw .invalidHeader(path: path, reason: "file is empty")
        }
        self.path = path
        self.file = file
        var cursor = GGUFByteCursor(base: base, count: file.count, path: path)

        // Header.
        let magic = try cursor.read(UInt32.self, field: "magic")
        guard magic == Self.magic else {
            throw .invalidHeader(path: path, reason: "magic is 0x\(String(magic, radix: 16)), not 'GGUF'")
        }
        let rawVersion = try cursor.read(UInt32.self, field: "version")
        if rawVersion.byteSwapped == 2 || rawVersion.byteSwapped == 3 {
            throw .invalidHeader(path: path, reason: "big-endian GGUF files are not supported")
        }
        guard rawVersion == 2 || rawVersion == 3 else {
            throw .invalidHeader(path: path, reason: "version \(rawVersion) is not supported (only 2 and 3)")
        }
        version = Int(rawVersion)
        // A tensor entry takes at least 8 (name length) + 4 (rank) + 4 (type) + 8 (offset) bytes;
        // a key/value at least 8 (key length) + 4 (type) + 1.
        let tensorCount = try cursor.readCount(minimumSize: 24, field: "tensor count") {
            .invalidHeader(path: path, reason: "tensor \($0)")
        }
        let kvCount = try cursor.readCount(minimumSize: 13, field: "metadata count") {
            .invalidHeader(path: path, reason: "metadata \($0)")
        }

        // Metadata.
        var keys: [String] = []
        var values: [String: GGUFValue] = [:]
        keys.reserveCapacity(kvCount)
        for index in 0..<kvCount {
            let key = try cursor.readString(field: "metadata key #\(index)") {
                .invalidMetadata(path: path, key: "#\(index)", reason: "key \($0)")
            }
            guard values[key] == nil else { throw .invalidMetadata(path: path, key: key, reason: "key appears twice") }
            let rawType = try cursor.read(UInt32.self, field: "type of metadata '\(key)'")
            guard let type = GGUFValueType(rawValue: rawType) else {
                throw .invalidMetadata(path: path, key: key, reason: "unknown value type \(rawType)")
            }
            values[key] = try Self.readValue(type, &cursor, key: key, depth: 0)
            keys.append(key)
        }
        metadata = GGUFMetadata(path: path, keys: keys, values: values)

        // Alignment.
        if let value = metadata["general.alignment"] {
            guard case .uint32(let a) = value else {
                throw .invalidMetadata(path: path, key: "general.alignment", reason: "must be uint32, found \(value.typeName)")
            }
            guard a > 0, a & (a - 1) == 0 else {
                throw .invalidMetadata(path: path, key: "general.alignment", reason: "\(a) is not a power of two")
            }
            alignment = Int(a)
        } else {
            alignment = Self.defaultAlignment
        }

        // Tensor table.
        var infos: [(name: String, dims: [Int], type: GGUFTensorType, offset: Int)] = []
        infos.reserveCapacity(tensorCount)
        var byName: [String: Int] = [:]
        for index in 0..<tensorCount {
            let name = try cursor.readString(field: "name of tensor #\(index)") {
                .invalidTensor(path: path, tensor: "#\(index)", reason: "name \($0)")
            }
            func bad(_ reason: String) -> GGUFError { .invalidTensor(path: path, tensor: name, reason: reason) }
            guard byName[name] == nil else { throw bad("name appears twice in the tensor table") }
            let rank = try cursor.read(UInt32.self, field: "rank of tensor '\(name)'")
            guard rank >= 1, rank <= UInt32(Self.maxRank) else { throw bad("rank \(rank) is outside 1...\(Self.maxRank)") }
            var dims: [Int] = []
            var elements = 1
            for d in 0..<Int(rank) {
                let dim = try cursor.read(UInt64.self, field: "dimension \(d) of tensor '\(name)'")
                guard dim >= 1, dim <= UInt64(Int32.max) else { throw bad("dimension \(d) is \(dim)") }
                let (product, overflow) = elements.multipliedReportingOverflow(by: Int(dim))
                guard !overflow, product <= 1 << 48 else { throw bad("dimensions \(dims + [Int(dim)]) hold too many elements") }
                elements = product
                dims.append(Int(dim))
            }
            let rawType = try cursor.read(UInt32.self, field: "type of tensor '\(name)'")
            guard let type = GGUFTensorType(rawValue: rawType) else { throw bad("unknown tensor type \(rawType)") }
            let offset = try cursor.read(UInt64.self, field: "offset of tensor '\(name)'")
            guard offset <= UInt64(file.count) else { throw bad("offset \(offset) lies outside the \(file.count)-byte file") }
            guard Int(offset) % alignment == 0 else { throw bad("offset \(offset) is not a multiple of the alignment \(alignment)") }
            guard dims[0] % type.blockSize == 0 else {
                throw bad("row length \(dims[0]) is not a multiple of the \(type) block size \(type.blockSize)")
            }
            byName[name] = infos.count
            infos.append((name, dims, type, Int(offset)))
        }

        // Data section.
        let (padded, overflow) = cursor.offset.addingReportingOverflow(alignment - 1)
        guard !overflow else { throw .invalidHeader(path: path, reason: "header end overflows") }
        dataOffset = padded / alignment * alignment
        if tensorCount > 0, dataOffset > file.count {
            throw .truncated(path: path, field: "data section", offset: cursor.offset, needed: dataOffset - cursor.offset,
                             fileSize: file.count)
        }
        var tensors: [GGUFTensorInfo] = []
        tensors.reserveCapacity(infos.count)
        for info in infos {
            guard let bytes = info.type.byteCount(elements: info.dims.reduce(1, *)) else {
                throw .invalidTensor(path: path, tensor: info.name, reason: "size of \(info.dims) \(info.type) overflows")
            }
            let start = dataOffset + info.offset
            guard start <= file.count, bytes <= file.count - start else {
                throw .invalidTensor(path: path, tensor: info.name,
                                     reason: "\(bytes) bytes at data offset \(info.offset) run past the end of the \(file.count)-byte file")
            }
            tensors.append(GGUFTensorInfo(name: info.name, dimensions: info.dims, type: info.type, range: start..<(start + bytes)))
        }
        let sorted = tensors.sorted { $0.range.lowerBound < $1.range.lowerBound }
        for (a, b) in zip(sorted, sorted.dropFirst()) where b.range.lowerBound < a.range.upperBound {
            throw .invalidTensor(path: path, tensor: b.name, reason: "data overlaps that of '\(a.name)'")
        }
        self.tensors = tensors
        self.byName = byName
    }

    private static func readValue(_ type: GGUFValueType, _ cursor: inout GGUFByteCursor, key: String,
                                  depth: Int) throws(GGUFError) -> GGUFValue {
        let path = cursor.path
        let field = "value of metadata '\(key)'"
        switch type {
        case .uint8: return .uint8(try cursor.read(UInt8.self, field: field))
        case .int8: return .int8(try cursor.read(Int8.self, field: field))
        case .uint16: return .uint16(try cursor.read(UInt16.self, field: field))
        case .int16: return .int16(try cursor.read(Int16.self, field: field))
        case .uint32: return .uint32(try cursor.read(UInt32.self, field: field))
        case .int32: return .int32(try cursor.read(Int32.self, field: field))
        case .uint64: return .uint64(try cursor.read(UInt64.self, field: field))
        case .int64: return .int64(try cursor.read(Int64.self, field: field))
        case .float32: return .float32(Float(bitPattern: try cursor.read(UInt32.self, field: field)))
        case .float64: return .float64(Double(bitPattern: try cursor.read(UInt64.self, field: field)))
        case .bool:
            let b = try cursor.read(UInt8.self, field: field)
            guard b <= 1 else { throw .invalidMetadata(path: path, key: key, reason: "bool byte is \(b), not 0 or 1") }
            return .bool(b == 1)
        case .string:
            return .string(try cursor.readString(field: field) { .invalidMetadata(path: path, key: key, reason: "string \($0)") })
        case .array:
            guard depth < maxArrayDepth else {
                throw .invalidMetadata(path: path, key: key, reason: "arrays nest deeper than \(maxArrayDepth) levels")
            }
            let rawElement = try cursor.read(UInt32.self, field: "element type of metadata '\(key)'")
            guard let element = GGUFValueType(rawValue: rawElement) else {
                throw .invalidMetadata(path: path, key: key, reason: "unknown array element type \(rawElement)")
            }
            let count = try cursor.readCount(minimumSize: element.minimumSize, field: "length of metadata '\(key)'") {
                .invalidMetadata(path: path, key: key, reason: "array element \($0)")
            }
            var items: [GGUFValue] = []
            items.reserveCapacity(count)
            for _ in 0..<count { items.append(try readValue(element, &cursor, key: key, depth: depth + 1)) }
            return .array(elementType: element, values: items)
        }
    }

    // MARK: Tensors

    /// The table entry of `name`, or nil.
    public func tensorInfo(_ name: String) -> GGUFTensorInfo? { byName[name].map { tensors[$0] } }

    /// The entry of `name`; throws `missingTensor` when absent.
    public func requireTensor(_ name: String) throws(GGUFError) -> GGUFTensorInfo {
        guard let info = tensorInfo(name) else { throw .missingTensor(path: path, tensor: name) }
        return info
    }

    /// The raw bytes of a tensor inside the mapping (valid while this object lives).
    public func rawBytes(of info: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: file.bytes[info.range])
    }

    /// The tensor `name` as a contiguous fp32 tensor in PyTorch shape order (see
    /// `GGUFTensorInfo.shape`), dequantized from any supported type.
    public func dequantize(_ name: String) throws(GGUFError) -> Tensor {
        let info = try requireTensor(name)
        guard info.type.isSupported else {
            throw .unsupportedTensorType(path: path, tensor: name, type: info.type.description)
        }
        let raw = rawBytes(of: info)
        let n = info.elementCount
        return Tensor(shape: info.shape) { out in
            GGUFDequantize.run(info.type, raw.baseAddress!, count: n, into: out.baseAddress!)
        }
    }
}
