import Annotate
import Foundation
import Testing

/// One fixture of tools/codec_fixtures.py: a file and the pixels Pillow decodes from it.
struct CodecFixture: Decodable, CustomTestStringConvertible, Sendable {
    var file: String
    var pixels: String
    var height: Int
    var width: Int
    var channels: Int
    var bits: Int
    var kind: String
    var keep16: Bool?
    var palette_as_indices: Bool?
    var apply_orientation: Bool?
    var orientation: Int?
    var tolerance: Int?

    var testDescription: String { file }

    static let folder: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("codecs")

    static let all: [CodecFixture] = {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("manifest.json")),
              let list = try? JSONDecoder().decode([CodecFixture].self, from: data) else { return [] }
        return list
    }()

    func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: Self.folder.appendingPathComponent(name))) }
}

@Suite("Image codecs against Pillow")
struct ImageCodecTests {
    @Test("fixtures are present")
    func fixturesLoad() {
        #expect(CodecFixture.all.count >= 20)
    }

    @Test("decodes exactly what Pillow decodes", arguments: CodecFixture.all)
    func decodesLikePillow(_ fixture: CodecFixture) throws {
        let bytes = try fixture.bytes(fixture.file)
        let expected = try fixture.bytes(fixture.pixels)
        switch fixture.kind {
        case "png":
            let image = try PNGCodec.decode(bytes, source: fixture.file,
                                            options: .init(paletteAsIndices: fixture.palette_as_indices ?? false, keep16Bit: true))
            #expect(image.width == fixture.width && image.height == fixture.height && image.channels == fixture.channels)
            switch image {
            case .uint8(let buffer):
                #expect(fixture.bits == 8)
                #expect(buffer.samples == expected)
            case .uint16(let buffer):
                #expect(fixture.bits == 16)
                let values = stride(from: 0, to: expected.count, by: 2).map { UInt16(expected[$0]) | UInt16(expected[$0 + 1]) << 8 }
                #expect(buffer.samples == values)
            }
        default:
            let image = try JPEGCodec.decode(bytes, source: fixture.file, applyOrientation: fixture.apply_orientation ?? false)
            #expect(image.width == fixture.width && image.height == fixture.height && image.channels == fixture.channels)
            let tolerance = fixture.tolerance ?? 0
            let worst = zip(image.samples, expected).map { abs(Int($0) - Int($1)) }.max() ?? 0
            #expect(image.samples.count == expected.count)
            #expect(worst <= tolerance, "max difference \(worst) > \(tolerance)")
            if let orientation = fixture.orientation {
                #expect(try JPEGCodec.info(bytes).orientation?.rawValue == orientation)
            }
        }
    }

    @Test("PNG round trip", arguments: [1, 2, 3, 4])
    func pngRoundTrip(channels: Int) throws {
        var generator = SystemRandomNumberGenerator()
        let image8 = PixelBuffer<UInt8>(width: 37, height: 23, channels: channels,
                                        samples: (0..<(37 * 23 * channels)).map { _ in UInt8.random(in: 0...255, using: &generator) })
        #expect(try PNGCodec.decode(PNGCodec.encode(image8)) == .uint8(image8))
        let image16 = PixelBuffer<UInt16>(width: 5, height: 9, channels: channels,
                                          samples: (0..<(45 * channels)).map { _ in UInt16.random(in: 0...65535, using: &generator) })
        #expect(try PNGCodec.decode(PNGCodec.encode(image16)) == .uint16(image16))
    }

    @Test("JPEG encodes what libjpeg decodes back closely")
    func jpegRoundTrip() throws {
        let fixture = try #require(CodecFixture.all.first { $0.file == "rgb8.png" })
        guard case .uint8(let rgb) = try PNGCodec.decode(fixture.bytes(fixture.file)) else {
            Issue.record("expected 8-bit")
            return
        }
        for progressive in [false, true] {
            let decoded = try JPEGCodec.decode(JPEGCodec.encode(rgb, quality: 100, progressive: progressive))
            #expect(decoded.width == rgb.width && decoded.height == rgb.height && decoded.channels == 3)
            let meanError = zip(decoded.samples, rgb.samples).map { abs(Double($0) - Double($1)) }.reduce(0, +) / Double(rgb.samples.count)
            #expect(meanError < 2.5)
            #expect(try JPEGCodec.info(JPEGCodec.encode(rgb, progressive: progressive)).isProgressive == progressive)
        }
    }

    @Test("truncated and corrupt files are errors naming the file", arguments: ["baseline.jpg", "progressive.jpg", "rgb8.png", "interlaced.png"])
    func truncatedIsAnError(_ name: String) throws {
        let fixture = try #require(CodecFixture.all.first { $0.file == name })
        let bytes = try fixture.bytes(name)
        for cut in [bytes.count / 3, bytes.count * 2 / 3, bytes.count - 14] {
            let truncated = Array(bytes[0..<cut])
            let error = #expect(throws: ImageCodecError.self) {
                if fixture.kind == "png" { _ = try PNGCodec.decode(truncated, source: "cut-\(name)") }
                else { _ = try JPEGCodec.decode(truncated, source: "cut-\(name)") }
            }
            #expect(error?.description.hasPrefix("cut-\(name): corrupt") == true)
        }
        var corrupted = bytes
        for index in stride(from: 40, to: corrupted.count - 20, by: 7) { corrupted[index] ^= 0x5A }
        #expect(throws: ImageCodecError.self) {
            if fixture.kind == "png" { _ = try PNGCodec.decode(corrupted, source: name) } else {
                _ = try JPEGCodec.decode(Array(corrupted[0..<(corrupted.count / 2)]), source: name)
            }
        }
    }

    @Test("garbage, empty and wrong-format input")
    func garbage() {
        #expect(ImageFormat.sniff([UInt8]()) == nil)
        #expect(ImageFormat.sniff(Array("hello world".utf8)) == nil)
        #expect(throws: ImageCodecError.self) { try PNGCodec.decode([], source: "empty.png") }
        #expect(throws: ImageCodecError.self) { try JPEGCodec.decode([0xFF, 0xD8, 0xFF, 0xE0], source: "stub.jpg") }
        #expect(throws: ImageCodecError.self) { try PNGCodec.decode(Array(repeating: 0x89, count: 100), source: "x.png") }
        #expect(throws: ImageCodecError.self) { try JPEGCodec.encode(PixelBuffer<UInt8>(width: 2, height: 2, channels: 4)) }
        #expect(throws: ImageCodecError.unreadable(path: "/nonexistent/file.png", reason: "No such file or directory")) {
            try PNGCodec.decode(contentsOf: "/nonexistent/file.png")
        }
    }

    @Test("EXIF orientation transforms compose back to identity")
    func orientationInverse() {
        let image = PixelBuffer<UInt8>(width: 3, height: 2, channels: 1, samples: [1, 2, 3, 4, 5, 6])
        #expect(EXIFOrientation.right.apply(to: image).samples == [4, 1, 5, 2, 6, 3])
        #expect(EXIFOrientation.left.apply(to: EXIFOrientation.right.apply(to: image)) == image)
        #expect(EXIFOrientation.down.apply(to: EXIFOrientation.down.apply(to: image)) == image)
        for flip in [EXIFOrientation.upMirrored, .downMirrored, .leftMirrored, .rightMirrored] {
            #expect(flip.apply(to: flip.apply(to: image)) == image)
        }
    }
}
