extension RLE {
    /// Polygons with holes → RLE through `EvenOddRasterizer` (pixel-centre, even-odd rule;
    /// not pycocotools' `frPyObjects` rule, which has no holes — see `init(cocoPolygons:)`).
    public init(polygons: [Polygon], height: Int, width: Int) {
        self.init(encoding: EvenOddRasterizer.rasterize(polygons, width: width, height: height))
    }
}
