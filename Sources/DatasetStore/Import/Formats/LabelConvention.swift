/// How a semantic label map's pixel values map to classes.
public struct LabelConvention: Sendable, Equatable {
    /// The pixel value of unlabeled pixels (an ignore region), if any.
    public var ignoreValue: Int?
    /// Class list index = pixel value − offset.
    public var offset: Int

    public init(ignoreValue: Int?, offset: Int) {
        self.ignoreValue = ignoreValue
        self.offset = offset
    }

    /// ADE20K SceneParsing (150 classes): 0 = other/ignore, class k (1-based list) at value k.
    public static let ade20k = LabelConvention(ignoreValue: 0, offset: 1)
    /// COCO-Stuff: value v is class v of the 0-based list (the 1–182 numbering minus one), 255 unlabeled.
    public static let cocoStuff = LabelConvention(ignoreValue: 255, offset: 0)
    /// Mapillary Vistas: value v is class v; the class named "unlabeled" (65 in v1.2) is ignored.
    public static let mapillary = LabelConvention(ignoreValue: 65, offset: 0)
}
