import Annotate

/// Copies image files into an export (original bytes, atomically).
enum ImageCopier {
    /// Copies the item's image to `relative` inside `output`; returns the byte count.
    @discardableResult
    static func copy(_ item: ExportItem, to relative: String, in output: OutputFolder) throws(ExportError) -> Int {
        let file = try output.create(relative)
        do {
            try file.append(contentsOf: item.imagePath)
        } catch {
            file.abort()
            if case .writeFailed(let path, let reason) = error, path == item.imagePath {
                throw .badRecord(record: "image \(item.image.id) (\(item.imagePath))", field: "file", reason: reason)
            }
            throw error
        }
        let count = file.byteCount
        try file.commit()
        return count
    }

    /// The exported file name of an image: its id, zero-padded, and its format's extension.
    static func fileName(_ image: ImageRecord) -> String {
        let digits = String(image.id)
        return String(repeating: "0", count: max(0, 10 - digits.count)) + digits + "." + image.format.fileExtension
    }
}
