import Foundation

/// A SAM checkpoint on disk, opened for `WeightLoader`: Meta's `.pth`, a Hugging Face
/// safetensors file or folder, or a LISA checkpoint (folder with `pytorch_model.bin.index.json`,
/// a `.bin`, or safetensors). The layout is detected from the tensor names.
public struct SAMCheckpoint: Sendable {
    public let path: String
    public let source: any TensorSource
    public let format: SAMCheckpointFormat

    /// Opens `path`; throws if it cannot be read or holds no SAM image encoder.
    public init(path: String) throws {
        self.path = path
        let source = try Self.openSource(path)
        guard let format = SAMCheckpointFormat.detect(names: source.tensorNames) else {
            throw ModelError.invalidFile(path: path, reason: "no SAM image encoder tensors (expected image_encoder.*, vision_encoder.* or visual_model.image_encoder.*)")
        }
        self.source = source
        self.format = format
    }

    /// Wraps an already opened source (format detected unless given).
    public init(source: any TensorSource, format: SAMCheckpointFormat? = nil) throws {
        path = source.sourceDescription
        guard let format = format ?? SAMCheckpointFormat.detect(names: source.tensorNames) else {
            throw ModelError.invalidFile(path: path, reason: "no SAM image encoder tensors (expected image_encoder.*, vision_encoder.* or visual_model.image_encoder.*)")
        }
        self.source = source
        self.format = format
    }

    static func openSource(_ path: String) throws -> any TensorSource {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ModelError.unreadable(path: path, reason: "no such file or directory")
        }
        if isDirectory.boolValue {
            let fm = FileManager.default
            func inside(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
            if fm.fileExists(atPath: inside(SafeTensorsCheckpoint.indexName)) || fm.fileExists(atPath: inside(SafeTensorsCheckpoint.singleName)) {
                return try SafeTensorsCheckpoint(path: path)
            }
            for name in ["pytorch_model.bin.index.json", "pytorch_model.bin"] where fm.fileExists(atPath: inside(name)) {
                return try PyTorchCheckpoint(path: inside(name))
            }
            throw ModelError.unreadable(path: path, reason: "folder holds neither model.safetensors[.index.json] nor pytorch_model.bin[.index.json]")
        }
        if path.hasSuffix(".safetensors") { return try SafeTensorsCheckpoint(path: path) }
        if path.hasSuffix(".safetensors.index.json") {
            return try SafeTensorsCheckpoint(path: (path as NSString).deletingLastPathComponent)
        }
        return try PyTorchCheckpoint(path: path)
    }
}
