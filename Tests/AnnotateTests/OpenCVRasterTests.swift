import Foundation
import Testing
@testable import Annotate

@Suite("OpenCV fillPoly / polylines, LISA's ReasonSeg rule")
struct OpenCVRasterTests {
    static func points(_ flat: [Int32]) -> [PixelPoint] {
        stride(from: 0, to: flat.count - 1, by: 2).map { PixelPoint(x: flat[$0], y: flat[$0 + 1]) }
    }

    @Test("fillPoly and polylines match OpenCV pixel for pixel", arguments: OpenCVDrawing.FillRule.allCases)
    func drawing(rule: OpenCVDrawing.FillRule) throws {
        let f = try AnnotateFixtures.load()
        #expect(f.opencv.cases.count > 80)
        var mismatches = [Int]()
        for (i, c) in f.opencv.cases.enumerated() {
            var canvas = LabelMask(width: c.w, height: c.h)
            let contours = c.contours.map(Self.points)
            if c.kind == "fill" {
                OpenCVDrawing.fillPoly(&canvas, contours: contours, value: 1, rule: rule)
            } else {
                OpenCVDrawing.polylines(&canvas, contours: contours, closed: c.closed ?? true, value: 1)
            }
            let expected = try decodeRLE(rule == .legacy ? c.legacy : c.current, height: c.h, width: c.w)
            if canvas.target != expected { mismatches.append(i) }
        }
        #expect(mismatches.isEmpty, "cases differing from OpenCV \(rule == .legacy ? f.opencv.legacy_version : f.opencv.current_version): \(mismatches)")
    }

    @Test("ReasonSeg JSON → LISA mask (1 target, 255 ignore, flag skipped)", arguments: OpenCVDrawing.FillRule.allCases)
    func reasonSeg(rule: OpenCVDrawing.FillRule) throws {
        let f = try AnnotateFixtures.load()
        for c in f.opencv.reasonseg {
            let path = AnnotateFixtures.directory + "/" + c.file
            let annotation = try ReasonSegRasterizer.read(contentsOf: path)
            let size = try ReasonSegRasterizer.imageSize(annotation: annotation, imagePath: nil, source: path)
            #expect(size.width == c.w && size.height == c.h)
            let mask = try ReasonSegRasterizer.mask(for: annotation, width: c.w, height: c.h, rule: rule, source: path)
            let expected = rule == .legacy ? c.legacy : c.current
            #expect(mask.target == (try decodeRLE(expected.target, height: c.h, width: c.w)), "\(c.file)")
            #expect(mask.ignored == (try decodeRLE(expected.ignore, height: c.h, width: c.w)), "\(c.file)")
            #expect(!annotation.texts.isEmpty)
        }
    }

    @Test("cp1252 files fall back like LISA's loader")
    func cp1252() throws {
        let path = AnnotateFixtures.directory + "/reasonseg/cp1252_label.json"
        let annotation = try ReasonSegRasterizer.read(contentsOf: path)
        #expect(annotation.texts == ["café"])
        #expect(annotation.shapes.first?.label == "café target")
        #expect(annotation.isSentence == true)
    }
}
