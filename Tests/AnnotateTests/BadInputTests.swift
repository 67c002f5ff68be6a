import Foundation
import Testing
@testable import Annotate

@Suite("Bad input: typed errors, never a crash")
struct BadInputTests {
    @Test("malformed RLE strings", arguments: [
        ("ab c", "invalid character"), ("0p", "invalid character"), ("\u{7f}", "invalid character"),
        ("1o", "truncated"), ("ooooooo1", "32 bits"), ("0000O", "negative"),
    ])
    func malformedStrings(text: String, fragment: String) {
        do {
            _ = try RLEString.decode(text)
            Issue.record("\(text) decoded")
        } catch {
            #expect(error.description.contains(fragment), "\(error.description)")
        }
    }

    @Test("counts that overrun or underrun the size")
    func countsSize() {
        #expect(throws: RLEError.countsDoNotMatchSize(sum: 13, height: 3, width: 4)) {
            try RLE(height: 3, width: 4, counts: [5, 8])
        }
        #expect(throws: RLEError.countsDoNotMatchSize(sum: 11, height: 3, width: 4)) {
            try RLE(height: 3, width: 4, counts: [5, 6])
        }
        #expect(throws: RLEError.self) { try RLE(height: 3, width: 4, compressedCounts: "9") }
        #expect(throws: RLEError.invalidSize(height: -1, width: 4)) { try RLE(height: -1, width: 4, counts: []) }
        let json = #"{"size": [2, 2], "counts": [1, 2, 3]}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(RLE.self, from: Data(json.utf8)) }
        let negative = #"{"size": [2, 2], "counts": [-1, 5]}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(RLE.self, from: Data(negative.utf8)) }
    }

    @Test("iou and merge of mismatched sizes, crowd flags count")
    func mismatched() throws {
        let a = RLE(encoding: BinaryMask(width: 4, height: 3))
        let b = RLE(encoding: BinaryMask(width: 3, height: 4))
        #expect(throws: RLEError.sizeMismatch(operation: "iou", first: [3, 4], other: [4, 3])) { try RLE.iou([a], [b]) }
        #expect(throws: RLEError.self) { try RLE.merge([a, b]) }
        #expect(throws: RLEError.empty(operation: "merge")) { try RLE.merge([]) }
        #expect(throws: RLEError.crowdFlagsMismatch(groundTruth: 1, flags: 2)) { try RLE.iou([a], [a], iscrowd: [true, false]) }
        #expect(throws: MaskError.self) { try a.decode().iou(b.decode()) }
        #expect(throws: MaskError.self) { try MaskScore(prediction: a.decode(), groundTruth: LabelMask(width: 3, height: 4)) }
    }

    @Test("polygons with NaN/inf, too few points, odd lists, far coordinates")
    func badPolygons() {
        #expect(throws: PolygonError.nonFinite(ring: "polygon", index: 2)) {
            try RLE(polygon: [0, 0, .nan, 1, 2, 2], height: 5, width: 5)
        }
        #expect(throws: PolygonError.nonFinite(ring: "exterior", index: 5)) { try Polygon(exterior: [0, 0, 1, 1, 2, .infinity]) }
        #expect(throws: PolygonError.tooFewPoints(ring: "polygon", count: 2)) { try RLE(polygon: [0, 0, 3, 3], height: 5, width: 5) }
        #expect(throws: PolygonError.oddCoordinateCount(ring: "hole 0", count: 7)) {
            try Polygon(exterior: [0, 0, 5, 0, 5, 5], holes: [[1, 1, 2, 1, 2, 2, 9]])
        }
        #expect(throws: PolygonError.coordinateOutOfRange(ring: "polygon 1", index: 0, value: 1e9)) {
            try RLE(cocoPolygons: [[0, 0, 4, 0, 4, 4], [1e9, 0, 4, 0, 4, 4]], height: 5, width: 5)
        }
        let json = #"[{"exterior": [0, 0, 1, 1], "holes": []}]"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Polygon].self, from: Data(json.utf8)) }
    }

    @Test("documented clipping: far-outside (within limits) polygons are clipped, not errors")
    func clipping() throws {
        let rle = try RLE(polygon: [-5000, -5000, 5000, -5000, 5000, 5000, -5000, 5000], height: 4, width: 6)
        #expect(rle.area == 24)
        var canvas = LabelMask(width: 6, height: 4)
        OpenCVDrawing.fillPoly(&canvas, contours: [[PixelPoint(x: .min, y: .min), PixelPoint(x: .max, y: 0), PixelPoint(x: 0, y: .max)]], value: 1)
        #expect(canvas.values.allSatisfy { $0 <= 1 })
        let mask = EvenOddRasterizer.rasterize([try Polygon(exterior: [-1e5, -1e5, 1e5, -1e5, 0, 1e5])], width: 6, height: 4)
        #expect(mask.area == 24)
    }

    @Test("ReasonSeg files: broken JSON, missing fields, NaN-like coordinates")
    func badReasonSeg() throws {
        func parse(_ text: String) throws(ReasonSegError) -> ReasonSegAnnotation {
            try ReasonSegRasterizer.parse(Array(text.utf8), source: "x.json")
        }
        #expect(throws: ReasonSegError.self) { try parse("{not json") }
        #expect(throws: ReasonSegError.malformedJSON(path: "x.json", reason: "missing or non-list \"shapes\"")) { try parse("{}") }
        #expect(throws: ReasonSegError.badShape(path: "x.json", index: 0, field: "label", reason: "missing or not a string")) {
            try parse(#"{"shapes": [{"points": [[1, 2]]}]}"#)
        }
        #expect(throws: ReasonSegError.badShape(path: "x.json", index: 0, field: "points[1]", reason: "not an [x, y] pair of numbers")) {
            try parse(#"{"shapes": [{"label": "a", "points": [[1, 2], [3]]}]}"#)
        }
        let huge = try parse(#"{"shapes": [{"label": "a", "points": [[1, 2], [3e12, 4], [5, 6]]}]}"#)
        #expect(throws: ReasonSegError.self) { try ReasonSegRasterizer.mask(for: huge, width: 10, height: 10) }
        let oddPoint = ReasonSegAnnotation(texts: [], isSentence: nil, shapes: [LabeledShape(label: "a", points: [[1, 2], [3]])])
        #expect(throws: ReasonSegError.self) { try ReasonSegRasterizer.mask(for: oddPoint, width: 10, height: 10) }
        let empty = try parse(#"{"shapes": [{"label": "a", "points": []}]}"#)
        #expect(throws: ReasonSegError.self) { try ReasonSegRasterizer.mask(for: empty, width: 10, height: 10) }
        #expect(throws: ReasonSegError.self) { try ReasonSegRasterizer.mask(for: empty, width: 0, height: 10) }
        #expect(throws: ReasonSegError.self) { try ReasonSegRasterizer.imageSize(annotation: empty, imagePath: nil, source: "x.json") }
    }

    @Test("zero-size masks and canvases")
    func zeroSize() throws {
        var canvas = LabelMask(width: 0, height: 0)
        OpenCVDrawing.fillPoly(&canvas, contours: [[PixelPoint(x: -5, y: -5), PixelPoint(x: 5, y: -5), PixelPoint(x: 0, y: 5)]], value: 1)
        OpenCVDrawing.polylines(&canvas, contours: [[PixelPoint(x: 0, y: 0), PixelPoint(x: 3, y: 3)]], closed: true, value: 1)
        #expect(canvas.values.isEmpty)
        let empty = BinaryMask(width: 0, height: 7)
        #expect(RLE(encoding: empty).counts == [0])
        #expect(RLE(encoding: empty).decode() == empty)
        #expect(ContourTracer.trace(empty).isEmpty)
        #expect(try RLE(polygon: [0, 0, 3, 0, 3, 3], height: 0, width: 4).counts == [0])
        #expect(EvenOddRasterizer.rasterize([try Polygon(exterior: [0, 0, 3, 0, 3, 3])], width: 4, height: 0).count == 0)
    }

    @Test("mask PNG errors name the file")
    func badPNG() {
        do {
            _ = try MaskPNG.read(contentsOf: "/nonexistent/mask.png")
            Issue.record("read a missing file")
        } catch {
            #expect(error.description.contains("/nonexistent/mask.png"))
        }
    }
}
