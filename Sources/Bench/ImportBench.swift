import DatasetStore
import Foundation

/// `lisakit-bench importers openimages ROOT REPEATS`: imports ROOT into a fresh temporary store
/// REPEATS times and prints the best wall time with the counts (the Swift side of
/// tools/bench_importers.py).
enum ImportBench {
    static func run(_ arguments: [String]) throws {
        guard arguments.count >= 2, arguments[0] == "openimages" else {
            fail("usage: lisakit-bench importers openimages ROOT [REPEATS]", code: 2)
        }
        let root = arguments[1]
        let repeats = arguments.count > 2 ? max(1, Int(arguments[2]) ?? 1) : 1
        var best = Double.infinity
        var report: ImportReport?
        for _ in 0..<repeats {
            let folder = NSTemporaryDirectory() + "/lisakit-bench-import-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let store = try DatasetStore.create(at: folder + "/bench.db").store
            let start = DispatchTime.now().uptimeNanoseconds
            let session = ImportSession(store: store, root: try DatasetRoot(folder: root), dataset: "openimages", format: "openimages",
                                        options: ImportOptions())
            try OpenImagesImporter().run(session)
            report = try session.finish()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let result: [String: Any] = ["seconds": best, "images": report?.images.added ?? 0,
                                     "annotations": report?.annotations.added ?? 0, "problems": report?.problemCount ?? 0]
        print(String(decoding: try JSONSerialization.data(withJSONObject: result), as: UTF8.self))
    }
}
