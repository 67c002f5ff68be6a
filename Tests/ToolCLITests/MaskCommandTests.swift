import Annotate
import ArgumentParser
import Foundation
import Glibc
import Testing
@testable import ToolCLI

@Suite("lisakit mask commands")
struct MaskCommandTests {
    func temporary(_ name: String) -> String { "/tmp/lisakit-mask-test-\(getpid())-\(name)" }

    @Test("encode, decode, iou, polygons and rasterize through files")
    func roundTrip() async throws {
        var mask = BinaryMask(width: 9, height: 7)
        for y in 1..<6 { for x in 2..<8 where !(x == 4 && y == 3) { mask[x, y] = true } }
        let png = temporary("a.png"), rleJSON = temporary("a.json"), back = temporary("b.png")
        defer { for p in [png, rleJSON, back] { unlink(p) } }
        try MaskPNG.write(mask, to: png)
        let data = try JSONEncoder().encode(RLE(encoding: mask))
        try FileBytes.writeAtomically([UInt8](data), to: rleJSON)

        var decode = try LisaKitCommand.parseAsRoot(["mask", "decode", rleJSON, "--out", back, "--json"]) as? AsyncParsableCommand
        try await decode?.run()
        #expect(try MaskPNG.read(contentsOf: back) == mask)

        var iou = try LisaKitCommand.parseAsRoot(["mask", "iou", png, rleJSON]) as? AsyncParsableCommand
        try await iou?.run()
        var polygons = try LisaKitCommand.parseAsRoot(["mask", "polygons", png, "--json"]) as? AsyncParsableCommand
        try await polygons?.run()
        var encode = try LisaKitCommand.parseAsRoot(["mask", "encode", png, "--uncompressed"]) as? AsyncParsableCommand
        try await encode?.run()

        let labelme = temporary("shapes.json"), labels = temporary("labels.png")
        defer { unlink(labelme); unlink(labels) }
        let doc = #"{"text": ["q"], "is_sentence": true, "imageWidth": 12, "imageHeight": 10, "shapes": [{"label": "target", "points": [[1.7, 1.2], [10.9, 1.5], [10.2, 8.8], [1.1, 8.4]]}, {"label": "ignore", "points": [[4, 4], [6, 4], [6, 6], [4, 6]]}, {"label": "flag", "points": [[0, 0], [11, 0], [11, 9]]}]}"#
        try FileBytes.writeAtomically(Array(doc.utf8), to: labelme)
        var rasterize = try LisaKitCommand.parseAsRoot(["mask", "rasterize", labelme, "--out", labels]) as? AsyncParsableCommand
        try await rasterize?.run()
        let result = try MaskPNG.readLabels(contentsOf: labels)
        #expect(result.width == 12 && result.height == 10)
        #expect(result[5, 5] == 255 && result[2, 2] == 1 && result[0, 0] == 0 && result[11, 0] == 0)
    }

    @Test("bad input is a thrown error naming the file")
    func badInput() async throws {
        let bad = temporary("bad.json")
        defer { unlink(bad) }
        try FileBytes.writeAtomically(Array(#"{"size": [2, 2], "counts": [1, 9]}"#.utf8), to: bad)
        var command = try LisaKitCommand.parseAsRoot(["mask", "decode", bad, "--out", temporary("never.png")]) as? AsyncParsableCommand
        do {
            try await command?.run()
            Issue.record("decoded an RLE whose counts overrun the size")
        } catch {
            #expect("\(error)".contains(bad))
        }
    }

    @Test("as a process: JSON on stdout, one error line on stderr and a non-zero exit")
    func process() throws {
        var mask = BinaryMask(width: 6, height: 4)
        mask[1, 1] = true; mask[2, 1] = true; mask[5, 3] = true
        let png = temporary("p.png"), bad = temporary("p-bad.json")
        defer { unlink(png); unlink(bad) }
        try MaskPNG.write(mask, to: png)
        let encoded = CLI.run(["mask", "encode", png])
        #expect(encoded.status == 0)
        let rle = try JSONDecoder().decode(RLE.self, from: Data(encoded.stdout.utf8))
        #expect(rle == RLE(encoding: mask))
        let polygons = CLI.run(["mask", "polygons", png, "--json"])
        #expect(polygons.status == 0 && polygons.stdout.contains("\"roundTripIoU\":1"))
        try FileBytes.writeAtomically(Array(#"{"size": [4, 6], "counts": "0p"}"#.utf8), to: bad)
        let failed = CLI.run(["mask", "decode", bad, "--out", temporary("p-never.png")])
        #expect(failed.status != 0)
        #expect(failed.stderr.contains(bad) && failed.stderr.contains("invalid character"))
        #expect(failed.stderr.split(separator: "\n").count == 1)
    }
}
