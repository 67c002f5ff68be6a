import Testing
@testable import Annotate

@Suite("Mask → polygons (contour tracing, holes, Douglas–Peucker)")
struct ContourTests {
    static let sampleMasks = ["real_horse", "real_coins", "real_camera", "real_text", "real_page", "real_blobs",
                              "holes_60x80", "blobs0_60x80", "blobs3_60x80", "noise_17x23", "sparse_64x48",
                              "diagonal_60x80", "borderpixels_60x80", "full_60x80", "empty_60x80"]

    @Test("exact tracing rasterizes back to the same mask", arguments: sampleMasks)
    func exactRoundTrip(name: String) throws {
        let mask = try AnnotateFixtures.mask("masks/\(name).png")
        let polygons = ContourTracer.trace(mask)
        #expect(EvenOddRasterizer.rasterize(polygons, width: mask.width, height: mask.height) == mask)
        // rings pass through boundary-edge midpoints: each of the 4 corners of a ring is cut by 1/8 px
        #expect(abs(polygons.area - Double(mask.area)) <= Double(polygons.reduce(0) { $0 + $1.rings.reduce(0) { $0 + $1.count } }) / 8)
    }

    @Test("default tolerance keeps round-trip IoU >= 0.98", arguments: sampleMasks)
    func simplifiedRoundTrip(name: String) throws {
        let mask = try AnnotateFixtures.mask("masks/\(name).png")
        let polygons = ContourTracer.polygons(from: mask)
        let iou = ContourTracer.roundTripIoU(mask, polygons: polygons)
        #expect(iou >= 0.98, "\(name): IoU \(iou)")
        for p in polygons { #expect(p.exterior.count >= 6 && p.holes.allSatisfy { $0.count >= 6 }) }
    }

    @Test("holes are kept and attached to their exterior")
    func holes() throws {
        let mask = try AnnotateFixtures.mask("masks/holes_60x80.png")
        let polygons = ContourTracer.trace(mask)
        // the frame with two holes (one holding an island, plus a 1-pixel hole), the island, the stray pixel
        let frame = try #require(polygons.max { $0.area < $1.area })
        #expect(frame.holes.count == 3)
        #expect(polygons.count == 3)
        #expect(Polygon.signedArea(frame.exterior) > 0)
        #expect(frame.holes.allSatisfy { Polygon.signedArea($0) < 0 })
    }

    @Test("stray pixels and diagonal-only neighbours")
    func strayAndDiagonal() throws {
        var mask = BinaryMask(width: 5, height: 5)
        mask[0, 0] = true; mask[1, 1] = true; mask[4, 4] = true
        let polygons = ContourTracer.polygons(from: mask, tolerance: 1.5)
        #expect(polygons.count == 3)
        #expect(polygons.allSatisfy { $0.exterior.count == 8 && $0.area == 0.5 })   // diamonds through edge midpoints
        #expect(EvenOddRasterizer.rasterize(polygons, width: 5, height: 5) == mask)
    }
}

@Suite("Mask → LISA polygons (exact under LISA's loader)")
struct LISAPolygonExportTests {
    @Test("LISA's rule rasterizes the exported polygons back to the mask exactly",
          arguments: ContourTests.sampleMasks)
    func exact(name: String) throws {
        let mask = try AnnotateFixtures.mask("masks/\(name).png")
        let polygons = LISAPolygonExport.polygons(from: mask)
        let annotation = ReasonSegAnnotation(texts: [], isSentence: nil, shapes: polygons.map { polygon in
            LabeledShape(label: "target", points: polygon.map { [Double($0.x), Double($0.y)] })
        })
        for rule in OpenCVDrawing.FillRule.allCases {
            let back = try ReasonSegRasterizer.mask(for: annotation, width: max(mask.width, 1), height: max(mask.height, 1), rule: rule)
            let iou = try mask.iou(back.target)
            #expect(back.target == mask, "\(name) \(rule): IoU \(iou)")
        }
    }
}
