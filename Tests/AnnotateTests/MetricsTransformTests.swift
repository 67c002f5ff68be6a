import Glibc
import Testing
@testable import Annotate

@Suite("LISA metrics, resize, crop, PNG I/O")
struct MetricsTransformTests {
    @Test("per-mask IoU, gIoU and cIoU as LISA computes them")
    func lisaMetrics() throws {
        let f = try AnnotateFixtures.load().metrics
        var scores = [MaskScore]()
        for pair in f.pairs {
            let pred = try decodeRLE(pair.pred, height: pair.h, width: pair.w)
            let target = try decodeRLE(pair.target, height: pair.h, width: pair.w)
            let ignore = try decodeRLE(pair.ignore, height: pair.h, width: pair.w)
            var gt = LabelMask(target)
            for i in 0..<gt.values.count where ignore.pixels[i] != 0 { gt.values[i] = 255 }
            let score = try MaskScore(prediction: pred, groundTruth: gt)
            #expect(score.lisaIoU == pair.iou)
            scores.append(score)
        }
        let metrics = SegmentationMetrics(scores: scores)
        #expect(abs(metrics.gIoU - f.giou) < 1e-12)
        #expect(abs(metrics.cIoU - f.ciou) < 1e-12)
        #expect(scores.contains { $0.union == 0 && $0.lisaIoU == 1.0 })
    }

    @Test("precision / recall at IoU thresholds")
    func precisionRecall() {
        let iou = [[0.9, 0.1], [0.6, 0.55], [0.0, 0.2]]
        let result = PrecisionRecall.evaluate(iou: iou, groundTruths: 2, thresholds: [0.5, 0.7])
        #expect(result[0].truePositives == 2 && result[0].precision == 2.0 / 3 && result[0].recall == 1)
        #expect(result[1].truePositives == 1 && result[1].recall == 0.5)
        #expect(SegmentationMetrics.successRate([MaskScore(intersection: 9, union: 10), MaskScore(intersection: 1, union: 10)],
                                                thresholds: [0.5]) == [0.5])
    }

    @Test("nearest resize matches cv2.INTER_NEAREST")
    func nearest() throws {
        for c in try AnnotateFixtures.load().resize {
            let mask = try AnnotateFixtures.mask(c.mask)
            let resized = try MaskResize.nearest(mask, width: c.w, height: c.h)
            #expect(resized == (try decodeRLE(c.string, height: c.h, width: c.w)), "\(c.mask)")
        }
    }

    @Test("bilinear logits (torch align_corners=False) then threshold")
    func bilinear() throws {
        let c = try AnnotateFixtures.load().bilinear
        let values = try MaskResize.bilinear(c.logits, width: c.w, height: c.h, toWidth: c.out_w, height: c.out_h)
        #expect(zip(values, c.values).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) })
        #expect(zip(values, c.cv2_values).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($1)) })   // cv2.resize INTER_LINEAR
        let mask = try MaskResize.bilinearMask(c.logits, width: c.w, height: c.h, toWidth: c.out_w, height: c.out_h)
        #expect(mask == (try decodeRLE(c.mask, height: c.out_h, width: c.out_w)))
    }

    @Test("crop and PNG round trips in both conventions")
    func cropAndPNG() throws {
        let mask = try AnnotateFixtures.mask("masks/holes_60x80.png")
        let crop = try MaskResize.crop(mask, x: 5, y: 10, width: 30, height: 20)
        #expect(crop.width == 30 && crop.height == 20)
        #expect(crop[0, 0] == mask[5, 10] && crop[29, 19] == mask[34, 29])
        for convention in MaskPNG.Convention.allCases {
            let path = "/tmp/annotate-test-\(convention.rawValue)-\(UInt32.random(in: 0...UInt32.max)).png"
            defer { unlink(path) }
            try MaskPNG.write(mask, to: path, convention: convention)
            #expect(try MaskPNG.read(contentsOf: path) == mask)
            let labels = try MaskPNG.readLabels(contentsOf: path)
            #expect(Set(labels.values).isSubset(of: convention == .zeroTo255 ? [0, 255] : [0, 1]))
        }
        #expect(throws: MaskError.self) { try MaskResize.crop(mask, x: 70, y: 0, width: 20, height: 5) }
    }
}
