import Serialization
import TestSupport
import Annotate
import DatasetStore
import Foundation
import GRDB
import Testing

@Suite("Registering images")
struct ImageRegistrationTests {
    let folder = TemporaryFolder()

    /// A dataset folder with the sample photographs, a copy of one under another name, a text
    /// file and a nested folder.
    func dataset() throws -> String {
        for path in sampleImages {
            try folder.write("data/" + (path as NSString).lastPathComponent, [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        }
        try folder.write("data/nested/deeper/copy-of-chelsea.JPG", [UInt8](try Data(contentsOf: URL(fileURLWithPath: sampleImages[2]))))
        try folder.write("data/notes.txt", Array("not an image".utf8))
        return folder.file("data")
    }

    @Test("a folder registers once; duplicates by content are counted, not stored")
    func registerFolder() throws {
        #expect(sampleImages.count == 5)
        let store = try folder.store()
        let data = try dataset()
        let registrar = ImageRegistrar(store: store)
        let first = try registrar.register([data])
        #expect(first.added == 5 && first.alreadyPresent == 1 && first.skippedNotImages == 1 && first.failures.isEmpty)
        let second = try registrar.register([data])
        #expect(second.added == 0 && second.alreadyPresent == 6 && second.failures.isEmpty)
        let images = try store.read { db in try ImageRecord.fetchAll(db, sql: "SELECT * FROM images ORDER BY rel_path") }
        #expect(images.map(\.relativePath) == ["astronaut.jpg", "camera.png", "chelsea.jpg", "coffee.jpg", "rocket.jpg"])
        let camera = try #require(images.first { $0.relativePath == "camera.png" })
        #expect(camera.width == 512 && camera.height == 512 && camera.format == .png)
        // The recorded hash is the file's sha256 (checked against coreutils' sha256sum).
        let path = try store.filePath(of: camera)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(output.hasPrefix(camera.sha256 + " "))
        #expect(try store.integrityProblems().isEmpty)
    }

    @Test("a subfolder reuses the enclosing root; --root pins it")
    func roots() throws {
        let store = try folder.store()
        let data = try dataset()
        let registrar = ImageRegistrar(store: store)
        _ = try registrar.register([data + "/chelsea.jpg"], options: .init(root: data))
        let report = try registrar.register([data + "/nested"])
        #expect(report.added == 0 && report.alreadyPresent == 1)
        #expect(try store.statistics().images.roots == 1)
        _ = try registrar.register([data + "/coffee.jpg"])
        let relative = try store.read { db in try String.fetchAll(db, sql: "SELECT rel_path FROM images ORDER BY rel_path") }
        #expect(relative == ["chelsea.jpg", "coffee.jpg"])
    }

    @Test("--copy stores content-addressed blobs beside the database")
    func blobs() throws {
        let store = try folder.store("blobs.db")
        let data = try dataset()
        let report = try ImageRegistrar(store: store).register([data], options: .init(copyToBlobs: true, sourceDataset: "samples",
                                                                                        split: .train, groupKey: "g1"))
        #expect(report.added == 5)
        let images = try store.read { db in try ImageRecord.fetchAll(db, sql: "SELECT * FROM images") }
        for image in images {
            #expect(image.storage == .blob && image.rootID == nil && image.split == .train && image.groupKey == "g1")
            let path = try store.filePath(of: image)
            #expect(path.hasPrefix(folder.file("blobs.blobs/")))
            #expect(SHA256.hex(of: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))) == image.sha256)
        }
        // Both copies of chelsea are recorded as sources of one image.
        let sources = try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM image_sources") }
        #expect(sources == 6)
        #expect(try store.statistics().images.bySource == ["samples": 5])
    }

    @Test("corrupt, truncated, missing and non-image files are reported with their path; good ones still register")
    func badFiles() throws {
        let store = try folder.store()
        let jpeg = [UInt8](try Data(contentsOf: URL(fileURLWithPath: sampleImages[2])))
        let png = try smallPNG(seed: 1)
        let truncatedJPEG = try folder.write("bad/truncated.jpg", Array(jpeg[0..<(jpeg.count / 2)]))
        let truncatedPNG = try folder.write("bad/truncated.png", Array(png[0..<(png.count - 20)]))
        let garbage = try folder.write("bad/garbage.png", Array("definitely not a png file".utf8))
        let empty = try folder.write("bad/empty.jpg", [])
        try folder.write("bad/good.png", png)
        let missing = folder.file("bad/missing.png")
        let report = try ImageRegistrar(store: store).register([folder.file("bad"), missing])
        #expect(report.added == 1)
        let reasons = Dictionary(uniqueKeysWithValues: report.failures.map { ($0.path, $0.reason) })
        #expect(reasons[truncatedJPEG]?.contains("Premature end of JPEG file") == true)
        #expect(reasons[truncatedPNG]?.contains("corrupt") == true)
        #expect(reasons[garbage] == "not a PNG or JPEG image")
        #expect(reasons[empty] == "not a PNG or JPEG image")
        #expect(reasons[missing] == "no such file or directory")
        #expect(report.failures.count == 5)
        // Strict mode stops at the first bad file.
        #expect(throws: RegistrationError.self) {
            try ImageRegistrar(store: store).register([folder.file("bad")], options: .init(strict: true))
        }
        #expect(try store.integrityProblems().isEmpty)
    }

    @Test("symbolic links out of the dataset root are refused; links inside are followed")
    func symlinks() throws {
        let store = try folder.store()
        try folder.write("outside/secret.png", try smallPNG(seed: 2))
        try folder.write("root/inside.png", try smallPNG(seed: 3))
        try FileManager.default.createSymbolicLink(atPath: folder.file("root/escape.png"), withDestinationPath: folder.file("outside/secret.png"))
        try FileManager.default.createSymbolicLink(atPath: folder.file("root/escape-dir"), withDestinationPath: folder.file("outside"))
        try FileManager.default.createSymbolicLink(atPath: folder.file("root/alias.png"), withDestinationPath: "inside.png")
        try FileManager.default.createSymbolicLink(atPath: folder.file("root/loop"), withDestinationPath: folder.file("root"))
        let report = try ImageRegistrar(store: store).register([folder.file("root")])
        #expect(report.added == 1)
        #expect(report.alreadyPresent == 1)
        let refused = report.failures.filter { $0.reason.contains("outside the dataset root") }.map(\.path).sorted()
        #expect(refused == [folder.file("root/escape-dir"), folder.file("root/escape.png")].sorted())
        #expect(try store.statistics().images.total == 1)
    }

    @Test("dataset-root paths never resolve outside the root")
    func rootResolution() throws {
        try folder.write("r/a/b.png", [1])
        try folder.write("elsewhere/x.png", [1])
        try FileManager.default.createSymbolicLink(atPath: folder.file("r/link.png"), withDestinationPath: folder.file("elsewhere/x.png"))
        let root = try DatasetRoot(folder: folder.file("r"))
        #expect(try root.resolve("a/b.png") == root.path + "/a/b.png")
        #expect(try root.resolve("./a/../a/b.png") == root.path + "/a/b.png")
        for bad in ["../elsewhere/x.png", "/etc/passwd", "a/../../elsewhere/x.png", "link.png", "", ".."] {
            #expect(throws: PathError.self, "\(bad)") { try root.resolve(bad) }
        }
        #expect(throws: PathError.self) { try DatasetRoot(folder: folder.file("r/a/b.png")) }
        #expect(throws: PathError.self) { try DatasetRoot(folder: folder.file("nope")) }
    }
}
