import Annotate
import Foundation
import Serialization

/// Finds OpenImages mask PNGs by name: in an unpacked folder (`{split}-masks/` or
/// `{split}-masks-{h}/`) or straight inside the shard zip `{split}-masks-{h}.zip` (h: the first
/// hex digit of the ImageID), read from the mapped archive without unpacking it.
final class OpenImagesMasks {
    enum Lookup {
        case found([UInt8], source: String)
        case missing(reason: String)
    }

    private let root: DatasetRoot
    private let split: String
    private let folders: [String]
    private var archives: [String: Result<ZipArchive, ImportError>] = [:]

    init(root: DatasetRoot, split: String) {
        self.root = root
        self.split = split
        var folders: [String] = []
        for name in ["\(split)-masks", "masks/\(split)"] + "0123456789abcdef".map({ "\(split)-masks-\($0)" }) {
            if let path = try? root.resolve(name), PathError.isDirectory(path) { folders.append(name) }
        }
        self.folders = folders
    }

    /// The bytes of mask `name`, whose ImageID starts with `shard`.
    func lookup(_ name: String, shard: Character) -> Lookup {
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix("."), ZipEntryName.isSafe(name) else {
            return .missing(reason: "mask name \(name) is not a plain file name (a path escaping the dataset root?)")
        }
        let shardFolder = "\(split)-masks-\(shard)"
        for folder in folders where !folder.hasPrefix("\(split)-masks-") || folder == shardFolder {
            let relative = folder + "/" + name
            guard let path = try? root.resolve(relative), FileManager.default.isReadableFile(atPath: path) else { continue }
            do { return .found(try FileBytes.read(path), source: relative) } catch {
                return .missing(reason: "\(relative): \(error)")
            }
        }
        let zipName = shardFolder + ".zip"
        let archive: ZipArchive
        switch open(zipName) {
        case .success(let opened): archive = opened
        case .failure(let error):
            let searched = folders.isEmpty ? "" : " nor in \(folders.joined(separator: ", "))"
            return .missing(reason: "mask \(name) not found: \(error)\(searched)")
        }
        guard let entry = archive.entry(named: name) else {
            return .missing(reason: "mask \(name) not found in \(zipName)" + (folders.isEmpty ? "" : " nor in \(folders.joined(separator: ", "))"))
        }
        do { return .found(try archive.data(of: entry), source: "\(zipName):\(name)") } catch {
            return .missing(reason: "\(zipName):\(name): \(error)")
        }
    }

    private func open(_ zipName: String) -> Result<ZipArchive, ImportError> {
        if let cached = archives[zipName] { return cached }
        let result: Result<ZipArchive, ImportError>
        do {
            let path = try root.resolve(zipName)
            if FileManager.default.fileExists(atPath: path) {
                result = .success(try ZipArchive(path: path))
            } else {
                result = .failure(.unreadableSource(path: zipName, reason: "no such archive"))
            }
        } catch {
            result = .failure(.unreadableSource(path: zipName, reason: "\(error)"))
        }
        archives[zipName] = result
        return result
    }

    /// A mask from PNG bytes by OpenImages' rule: gray value > 127 is foreground (colour PNGs
    /// by their luma, as PIL's `convert("L")`; 16-bit samples by their high byte), encoded as
    /// RLE at the image's size (scaled nearest when the mask's resolution differs).
    static func rle(from bytes: [UInt8], source: String, width: Int, height: Int) throws -> RLE {
        let image = try PNGCodec.decode(bytes, source: source, options: .init(paletteAsIndices: false, keep16Bit: false)).eightBit
        let count = image.width * image.height
        var values = [UInt8](repeating: 0, count: count)
        image.samples.withUnsafeBufferPointer { samples in
            values.withUnsafeMutableBufferPointer { out in
                let c = image.channels
                if c <= 2 {
                    for i in 0..<count { out[i] = samples[i * c] > 127 ? 1 : 0 }
                } else {
                    for i in 0..<count {
                        let r = UInt32(samples[i * c]), g = UInt32(samples[i * c + 1]), b = UInt32(samples[i * c + 2])
                        let luma = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16
                        out[i] = luma > 127 ? 1 : 0
                    }
                }
            }
        }
        return try RLE(scaling: try BinaryMask(width: image.width, height: image.height, values: values), width: width, height: height)
    }
}
