/// Why a COCO segmentation cannot be turned into a geometry (reported with the annotation).
enum COCOGeometryError: Error, CustomStringConvertible {
    case invalid(String)

    var description: String {
        switch self { case .invalid(let reason): reason }
    }
}
