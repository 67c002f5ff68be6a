import Foundation

/// LISA's ReasonSeg mask rule (`get_mask_from_json`), pixel for pixel:
/// shapes labelled `flag` (case-insensitive, whole label) are skipped; a label containing
/// `ignore` (case-insensitive) paints 255, any other paints 1; points are cast to int32 by
/// truncation toward zero; each polygon is drawn as a closed 1-pixel `cv2.polylines` then
/// `cv2.fillPoly`; polygons are painted largest first (area = the pixels of that polygon
/// rasterized alone), so smaller ones overwrite. Equal areas: the later shape is painted
/// first (numpy's `argsort(...)[::-1]` on a stable sort).
///
/// Shapes with 1 or 2 points are drawn the way OpenCV draws them (a dot or a line).
/// Coordinates must be finite and inside the int32 range: numpy's cast of anything else is
/// undefined, so such files are rejected.
public enum ReasonSegRasterizer {
    /// Reads a ReasonSeg / LabelMe JSON file (UTF-8, falling back to cp1252 as LISA does).
    public static func read(contentsOf path: String) throws(ReasonSegError) -> ReasonSegAnnotation {
        let bytes: [UInt8]
        do { bytes = try FileBytes.read(path) } catch { throw .unreadable(path: path, reason: error.description) }
        return try parse(bytes, source: path)
    }

    /// Parses ReasonSeg / LabelMe JSON bytes; `source` names the file in errors.
    public static func parse(_ bytes: [UInt8], source: String) throws(ReasonSegError) -> ReasonSegAnnotation {
        var object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            guard let text = String(data: Data(bytes), encoding: .windowsCP1252),
                  let again = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else {
                throw .malformedJSON(path: source, reason: "invalid JSON (tried UTF-8 and cp1252)")
            }
            object = again
        }
        guard let root = object as? [String: Any] else { throw .malformedJSON(path: source, reason: "top level is not an object") }
        guard let rawShapes = root["shapes"] as? [Any] else {
            throw .malformedJSON(path: source, reason: "missing or non-list \"shapes\"")
        }
        var shapes = [LabeledShape]()
        for (i, raw) in rawShapes.enumerated() {
            guard let shape = raw as? [String: Any] else { throw .badShape(path: source, index: i, field: "", reason: "not an object") }
            guard let label = shape["label"] as? String else {
                throw .badShape(path: source, index: i, field: "label", reason: "missing or not a string")
            }
            guard let rawPoints = shape["points"] as? [Any] else {
                throw .badShape(path: source, index: i, field: "points", reason: "missing or not a list")
            }
            var points = [[Double]]()
            for (k, rp) in rawPoints.enumerated() {
                guard let pair = rp as? [Any], pair.count == 2,
                      let x = number(pair[0]), let y = number(pair[1]) else {
                    throw .badShape(path: source, index: i, field: "points[\(k)]", reason: "not an [x, y] pair of numbers")
                }
                points.append([x, y])
            }
            shapes.append(LabeledShape(label: label, points: points))
        }
        var texts = [String]()
        if let list = root["text"] as? [Any] { texts = list.compactMap { $0 as? String } } else if let one = root["text"] as? String { texts = [one] }
        let isSentence = (root["is_sentence"] as? NSNumber)?.boolValue
        return ReasonSegAnnotation(texts: texts, isSentence: isSentence, shapes: shapes,
                                   imageWidth: (root["imageWidth"] as? NSNumber)?.intValue,
                                   imageHeight: (root["imageHeight"] as? NSNumber)?.intValue)
    }

    private static func number(_ value: Any) -> Double? {
        if let d = value as? Double { return d }
        if let i = value as? Int { return Double(i) }
        return (value as? NSNumber)?.doubleValue
    }

    /// The int32 points LISA draws (`np.array(points, dtype=np.int32)`).
    public static func pixelPoints(_ shape: LabeledShape, index: Int, source: String) throws(ReasonSegError) -> [PixelPoint] {
        var out = [PixelPoint]()
        out.reserveCapacity(shape.points.count)
        for (k, p) in shape.points.enumerated() {
            guard p.count == 2 else {
                throw .badShape(path: source, index: index, field: "points[\(k)]", reason: "not an [x, y] pair (\(p.count) values)")
            }
            for v in p where !(v.isFinite && v > -2_147_483_649 && v < 2_147_483_648) {
                throw .badShape(path: source, index: index, field: "points[\(k)]",
                                reason: "coordinate \(v) is not a finite int32 value")
            }
            out.append(PixelPoint(x: Int32(p[0].rounded(.towardZero)), y: Int32(p[1].rounded(.towardZero))))
        }
        return out
    }

    /// The LISA ground-truth mask (0 background, 1 target, 255 ignore) at `width`×`height`.
    public static func mask(for annotation: ReasonSegAnnotation, width: Int, height: Int,
                            rule: OpenCVDrawing.FillRule = .legacy, source: String = "<memory>") throws(ReasonSegError) -> LabelMask {
        guard width > 0, height > 0, width <= 1 << 16, height <= 1 << 16 else {
            throw .invalidSize(path: source, reason: "mask size \(width)x\(height) is invalid")
        }
        var candidates = [(index: Int, points: [PixelPoint], value: UInt8, area: Int)]()
        var scratch = LabelMask(width: width, height: height)
        for (i, shape) in annotation.shapes.enumerated() {
            let lower = shape.label.lowercased()
            if lower == "flag" { continue }
            let points = try pixelPoints(shape, index: i, source: source)
            if points.isEmpty {
                throw .badShape(path: source, index: i, field: "points", reason: "no points (OpenCV rejects an empty polygon)")
            }
            OpenCVDrawing.polylines(&scratch, contours: [points], closed: true, value: 1)
            OpenCVDrawing.fillPoly(&scratch, contours: [points], value: 1, rule: rule)
            // Everything drawn lies in the points' box (clipped to the image): count it
            // there and clear it for the next shape.
            var x0 = Int.max, y0 = Int.max, x1 = Int.min, y1 = Int.min
            for p in points { x0 = min(x0, Int(p.x)); x1 = max(x1, Int(p.x)); y0 = min(y0, Int(p.y)); y1 = max(y1, Int(p.y)) }
            x0 = max(x0, 0); y0 = max(y0, 0); x1 = min(x1, width - 1); y1 = min(y1, height - 1)
            var area = 0
            if x0 <= x1 && y0 <= y1 {
                scratch.values.withUnsafeMutableBufferPointer { v in
                    for y in y0...y1 {
                        for x in x0...x1 { area += Int(v[y * width + x]); v[y * width + x] = 0 }
                    }
                }
            }
            candidates.append((i, points, lower.contains("ignore") ? LabelMask.ignore : 1, area))
        }
        candidates.sort { $0.area != $1.area ? $0.area > $1.area : $0.index > $1.index }
        var mask = LabelMask(width: width, height: height)
        for c in candidates {
            OpenCVDrawing.polylines(&mask, contours: [c.points], closed: true, value: c.value)
            OpenCVDrawing.fillPoly(&mask, contours: [c.points], value: c.value, rule: rule)
        }
        return mask
    }

    /// The size LISA uses: the image's (`cv2.imread`, which applies EXIF orientation) when
    /// `imagePath` is given, else the JSON's `imageWidth`/`imageHeight`.
    public static func imageSize(annotation: ReasonSegAnnotation, imagePath: String?, source: String) throws(ReasonSegError) -> (width: Int, height: Int) {
        if let imagePath {
            do {
                let bytes = try FileBytes.read(imagePath)
                if bytes.starts(with: [0xFF, 0xD8]) {
                    let info = try JPEGCodec.info(bytes, source: imagePath)
                    let swaps = (info.orientation?.rawValue ?? 1) >= 5
                    return swaps ? (info.height, info.width) : (info.width, info.height)
                }
                let image = try PNGCodec.decode(bytes, source: imagePath)
                return (image.width, image.height)
            } catch {
                throw .unreadable(path: imagePath, reason: error.description)
            }
        }
        guard let w = annotation.imageWidth, let h = annotation.imageHeight else {
            throw .invalidSize(path: source, reason: "no image given and no imageWidth/imageHeight in the JSON")
        }
        return (w, h)
    }
}
