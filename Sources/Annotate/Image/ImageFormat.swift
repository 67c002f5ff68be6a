/// The image container formats LisaKit reads and writes.
public enum ImageFormat: String, Sendable, Codable, CaseIterable {
    case png
    case jpeg

    /// Detects the format from the file's leading bytes (never from its name).
    public static func sniff<C: Collection>(_ bytes: C) -> ImageFormat? where C.Element == UInt8 {
        var iterator = bytes.makeIterator()
        var head: [UInt8] = []
        head.reserveCapacity(8)
        while head.count < 8, let byte = iterator.next() { head.append(byte) }
        if head.count >= 8 && head == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] { return .png }
        if head.count >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF { return .jpeg }
        return nil
    }

    /// The usual file extension, without the dot.
    public var fileExtension: String {
        switch self { case .png: "png"; case .jpeg: "jpg" }
    }
}
