import Annotate
import DatasetStore
import Foundation
import Testing
import TestSupport

/// The Python side of the fidelity checks: `tools/check_exports.py` with the official readers.
enum PythonReaders {
    /// `$LISAKIT_PYTHON`, else `python3` on the PATH.
    static let python: String? = {
        if let explicit = ProcessInfo.processInfo.environment["LISAKIT_PYTHON"], !explicit.isEmpty { return explicit }
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = String(folder) + "/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    /// The python for the MDS check: MosaicML Streaming needs torch, so it may live in another
    /// environment: `$LISAKIT_MDS_PYTHON`, else the one above.
    static let mdsPython: String? = {
        if let explicit = ProcessInfo.processInfo.environment["LISAKIT_MDS_PYTHON"], !explicit.isEmpty { return explicit }
        return python
    }()

    /// Runs python with arguments; returns exit status and stdout.
    static func run(_ arguments: [String], python: String? = PythonReaders.python) -> (status: Int32, output: String) {
        guard let python else { return (-1, "") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return (-1, "") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Whether python3 with webdataset, pycocotools, numpy, Pillow and OpenCV is here.
    static let available: Bool = run(["-c", "import webdataset, pycocotools, numpy, PIL, cv2"]).status == 0

    /// OpenCV 4.x: LISA pins opencv-python 4.8, whose fillPoly rule our `.legacy` rasterizer follows.
    static let hasOpenCV4: Bool = available && run(["-c", "import cv2, sys; sys.exit(0 if cv2.__version__.startswith('4.') else 1)"]).status == 0

    static let skipMessage = "needs python3 (or $LISAKIT_PYTHON) with webdataset, pycocotools, numpy, pillow, opencv-python-headless"

    /// Whether MosaicML Streaming (with torch), pycocotools, numpy and Pillow import.
    static let hasStreaming: Bool = run(["-c", "import streaming, pycocotools, numpy, PIL"], python: mdsPython).status == 0

    static let streamingSkipMessage = "needs $LISAKIT_MDS_PYTHON (or $LISAKIT_PYTHON / python3) with mosaicml-streaming (which needs torch) "
        + "and pycocotools: see tools/requirements-exports-mds.txt"

    /// Runs `tools/check_exports.py FORMAT OUT EXPECTED` and returns its JSON report.
    static func check(_ format: String, out: String, expected: String) throws -> [String: Any] {
        let (status, output) = run([repositoryRoot + "/tools/check_exports.py", format, out, expected],
                                   python: format == "mds" ? mdsPython : python)
        let report = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] ?? [:]
        if status != 0 { Issue.record("check_exports.py \(format) exited \(status): \(output.prefix(2000))") }
        return report
    }
}

@Suite("Export fidelity: the official Python readers load our exports", .enabled(if: PythonReaders.available, Comment(rawValue: PythonReaders.skipMessage)))
struct ExportFidelityTests {
    /// Writes our own decoding of every exported instruction's masks as KEY-i.png and KEY-ignore.png.
    func writeInstructionMasks(_ fixture: ExportTestStore, to folder: String) throws -> Int {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var count = 0
        try ExportStream(store: fixture.store, filter: ExportFilter()).forEach { item in
            let ignore = try? ExportMasks.union(item.ignoreAnnotations, width: item.image.width, height: item.image.height)
            for instruction in item.instructions {
                let key = WebDatasetExporter.key(imageID: item.image.id, instructionID: instruction.id)
                for (i, target) in instruction.targets.enumerated() {
                    try? MaskPNG.write(try fixture.mask(target.id), to: folder + "/\(key)-\(i).png")
                }
                if let ignore = ignore ?? nil { try? MaskPNG.write(ignore.decode(), to: folder + "/\(key)-ignore.png") }
                count += 1
            }
        }
        return count
    }

    @Test func webdatasetReadsBackWithWebDatasetAndPycocotools() throws {
        let fixture = try ExportTestStore()
        let out = fixture.folder.file("wds"), expected = fixture.folder.file("expected")
        let report = try WebDatasetExporter(stream: ExportStream(store: fixture.store, filter: ExportFilter()),
                                            options: WebDatasetOptions(maxSamplesPerShard: 4)).run(to: out)
        #expect(try writeInstructionMasks(fixture, to: expected) == report.samples)
        let result = try PythonReaders.check("webdataset", out: out, expected: expected)
        #expect(result["checked"] as? Int == report.samples)
        #expect((result["mismatches"] as? [Any])?.isEmpty == true, "\(result)")
        #expect((result["masks"] as? Int ?? 0) > 0)
        #expect(result["mask_modes"] as? [String] == ["1"], "1-bit mask PNGs by default")
    }

    @Test(arguments: [COCOOptions.Segmentation.rle, .polygons])
    func cocoReadsBackWithPycocotools(_ form: COCOOptions.Segmentation) throws {
        let fixture = try ExportTestStore()
        let out = fixture.folder.file("coco"), expected = fixture.folder.file("expected")
        let report = try COCOExporter(stream: ExportStream(store: fixture.store, filter: ExportFilter()),
                                      options: COCOOptions(segmentation: form)).run(to: out)
        try FileManager.default.createDirectory(atPath: expected, withIntermediateDirectories: true)
        try ExportStream(store: fixture.store, filter: ExportFilter()).forEach { item in
            for annotation in item.annotations { try? MaskPNG.write(try fixture.mask(annotation.id), to: expected + "/ann-\(annotation.id).png") }
        }
        let result = try PythonReaders.check("coco", out: out, expected: expected)
        #expect(result["checked"] as? Int == report.annotations)
        #expect((result["mismatches"] as? [Any])?.isEmpty == true, "\(result)")
    }

    @Test func llavaReadsBackWithPycocotools() throws {
        let fixture = try ExportTestStore()
        let out = fixture.folder.file("llava"), expected = fixture.folder.file("expected")
        let report = try LLaVAExporter(stream: ExportStream(store: fixture.store, filter: ExportFilter())).run(to: out)
        _ = try writeInstructionMasks(fixture, to: expected)
        let result = try PythonReaders.check("llava", out: out, expected: expected)
        #expect(result["checked"] as? Int == report.conversations)
        #expect((result["mismatches"] as? [Any])?.isEmpty == true, "\(result)")
    }

    @Test(.enabled(if: PythonReaders.hasOpenCV4, "LISA's rule is checked under OpenCV 4.x (LISA pins opencv-python 4.8)"))
    func reasonsegMasksMatchLISAsRuleUnderOpenCV() throws {
        let fixture = try ExportTestStore()
        let out = fixture.folder.file("rs"), expected = fixture.folder.file("expected")
        let report = try ReasonSegExporter(stream: ExportStream(store: fixture.store, filter: ExportFilter())).run(to: out)
        // Our rasterization of each exported file (the same rule the exporter verified with).
        for split in ["train", "val"] {
            try FileManager.default.createDirectory(atPath: expected + "/" + split, withIntermediateDirectories: true)
            for name in try FileManager.default.contentsOfDirectory(atPath: out + "/" + split) where name.hasSuffix(".json") {
                let annotation = try ReasonSegRasterizer.read(contentsOf: out + "/\(split)/\(name)")
                let labels = try ReasonSegRasterizer.mask(for: annotation, width: try #require(annotation.imageWidth),
                                                          height: try #require(annotation.imageHeight))
                try MaskPNG.write(labels, to: expected + "/\(split)/" + name.replacingOccurrences(of: ".json", with: ".png"))
            }
        }
        let result = try PythonReaders.check("reasonseg", out: out, expected: expected)
        #expect(result["checked"] as? Int == report.files)
        #expect(result["explanations"] as? Int == report.explanations)
        #expect((result["mismatches"] as? [Any])?.isEmpty == true, "\(result)")
    }
}

@Suite("Export fidelity: MosaicML Streaming reads our MDS shards",
       .enabled(if: PythonReaders.hasStreaming, Comment(rawValue: PythonReaders.streamingSkipMessage)))
struct MDSFidelityTests {
    @Test(arguments: [1, 8])
    func mdsReadsBackWithStreamingDataset(maskBits: Int) throws {
        let fixture = try ExportTestStore()
        let out = fixture.folder.file("mds"), expected = fixture.folder.file("expected")
        let report = try MDSExporter(stream: ExportStream(store: fixture.store, filter: ExportFilter()),
                                     options: MDSOptions(sizeLimit: 150_000, maskBitDepth: maskBits)).run(to: out)
        #expect(try ExportFidelityTests().writeInstructionMasks(fixture, to: expected) == report.samples)
        let result = try PythonReaders.check("mds", out: out, expected: expected)
        #expect(result["checked"] as? Int == report.samples)
        #expect((result["masks"] as? Int ?? 0) >= report.samples - report.negatives)
        #expect((result["mismatches"] as? [Any])?.isEmpty == true, "\(result)")
    }
}
