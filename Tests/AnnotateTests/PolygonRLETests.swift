import Foundation
import Testing
@testable import Annotate

@Suite("Polygon and box to RLE vs pycocotools frPyObjects")
struct PolygonRLETests {
    @Test("frPyObjects polygons, one RLE per ring and their union")
    func polygons() throws {
        let cases = try AnnotateFixtures.load().polygons
        #expect(cases.count >= 40)
        for (i, c) in cases.enumerated() {
            for (ring, expected) in zip(c.polygons, c.strings) {
                let rle = try RLE(polygon: ring, height: c.h, width: c.w)
                #expect(rle.compressedCounts == expected, "case \(i)")
            }
            let union = try RLE(cocoPolygons: c.polygons, height: c.h, width: c.w)
            #expect(union.compressedCounts == c.union, "case \(i) union")
            #expect(union.area == c.area)
        }
    }

    @Test("frPyObjects boxes")
    func boxes() throws {
        for c in try AnnotateFixtures.load().boxes {
            let box = BoundingBox(x: c.box[0], y: c.box[1], width: c.box[2], height: c.box[3])
            #expect(try RLE(box: box, height: c.h, width: c.w).compressedCounts == c.string, "\(c.box)")
        }
    }

    @Test("even-odd rasterization of polygons with holes matches skimage's pixel-centre test")
    func evenOdd() throws {
        let cases = try AnnotateFixtures.load().evenodd
        #expect(cases.count >= 20)
        for (i, c) in cases.enumerated() {
            let polygon = try Polygon(exterior: c.exterior, holes: c.holes)
            let rle = RLE(polygons: [polygon], height: c.h, width: c.w)
            #expect(rle.compressedCounts == c.string, "case \(i)")
        }
    }

    @Test("polygon JSON shape, area and bbox")
    func polygonJSON() throws {
        let json = #"[{"exterior": [0, 0, 10, 0, 10, 10, 0, 10], "holes": [[2, 2, 4, 2, 4, 4, 2, 4]]}, {"exterior": [20, 20, 30, 20, 25, 30]}]"#
        let polygons = try JSONDecoder().decode([Polygon].self, from: Data(json.utf8))
        #expect(polygons.count == 2)
        #expect(polygons[0].area == 96)
        #expect(polygons[1].area == 50)
        #expect(polygons.area == 146)
        #expect(polygons.boundingBox == BoundingBox(x: 0, y: 0, width: 30, height: 30))
        let encoded = String(decoding: try JSONEncoder().encode(polygons[0]), as: UTF8.self)
        #expect(encoded.contains("\"exterior\"") && encoded.contains("\"holes\":[[2,2,4,2,4,4,2,4]]"))
        let again = try JSONDecoder().decode([Polygon].self, from: JSONEncoder().encode(polygons))
        #expect(again == polygons)
    }
}
