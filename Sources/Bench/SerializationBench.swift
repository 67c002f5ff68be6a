import Foundation
import Model
import Serialization

/// `lisakit-bench serialization KIND FILE REPEATS` — KIND: pickle, checkpoint, sha256, zip.
/// Prints {"kind", "seconds" (best of REPEATS), "check"} where check is a value the Python side
/// compares so that both sides provably did the same work.
enum SerializationBench {
    static func run(_ args: [String]) throws {
        guard args.count == 3, let repeats = Int(args[2]), repeats > 0 else {
            throw BenchError("usage: lisakit-bench serialization pickle|checkpoint|sha256|zip FILE REPEATS")
        }
        let kind = args[0], path = args[1]
        var best = Double.infinity
        var check = ""
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            check = try once(kind, path)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            best = min(best, seconds)
        }
        print(#"{"kind": "\#(kind)", "seconds": \#(best), "check": "\#(check)"}"#)
    }

    private static func once(_ kind: String, _ path: String) throws -> String {
        switch kind {
        case "pickle":
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let value = try Unpickler(source: path).load(bytes)
            return String(value.arrayValue?.count ?? -1)
        case "checkpoint":
            // Load every tensor and convert it to Float (what a model load does), summing as a check.
            let checkpoint = try PyTorchCheckpoint(path: path)
            var total: Double = 0
            for name in checkpoint.names {
                guard let t = checkpoint[name] else { continue }
                let values = t.floatValues()
                var s: Float = 0
                values.withUnsafeBufferPointer { for v in $0 { s += v } }
                total += Double(s)
            }
            return "\(checkpoint.names.count):\(Int(total.rounded()))"
        case "sha256":
            let file = try MappedFile(path: path)
            var h = SHA256()
            h.update(file.bytes)
            return SHA256.hexString(h.finalize())
        case "zip":
            let archive = try ZipArchive(path: path)
            var bytes = 0
            for entry in archive.entries where !entry.isDirectory { bytes += try archive.data(of: entry).count }
            return "\(archive.entries.count):\(bytes)"
        default:
            throw BenchError("unknown kind '\(kind)'")
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
