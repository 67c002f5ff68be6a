/// The official Segment Anything checkpoints by name, for `lisakit models pull sam_vit_b` and for
/// detecting a configuration from a file name. URLs from Meta's README (model checkpoints);
/// SHA-256 digests as published by projects that verify these files (e.g. micro-sam's
/// `_CHECKSUMS`, samgeo), all agreeing on the values below.
public struct SAMCheckpointCatalog: Sendable, Equatable {
    public var name: String
    public var fileName: String
    public var url: String
    public var sha256: String
    public var configuration: SAMConfiguration

    public static let all: [SAMCheckpointCatalog] = [
        SAMCheckpointCatalog(name: "sam_vit_b", fileName: "sam_vit_b_01ec64.pth",
                             url: "https://dl.fbaipublicfiles.com/segment_anything/sam_vit_b_01ec64.pth",
                             sha256: "ec2df62732614e57411cdcf32a23ffdf28910380d03139ee0f4fcbe91eb8c912", configuration: .vitB),
        SAMCheckpointCatalog(name: "sam_vit_l", fileName: "sam_vit_l_0b3195.pth",
                             url: "https://dl.fbaipublicfiles.com/segment_anything/sam_vit_l_0b3195.pth",
                             sha256: "3adcc4315b642a4d2101128f611684e8734c41232a17c648ed1693702a49a622", configuration: .vitL),
        SAMCheckpointCatalog(name: "sam_vit_h", fileName: "sam_vit_h_4b8939.pth",
                             url: "https://dl.fbaipublicfiles.com/segment_anything/sam_vit_h_4b8939.pth",
                             sha256: "a7bf3b02f3ebf1267aba913ff637d9a2d5c33d3173bb679e46d9f338c26f262e", configuration: .vitH),
    ]

    /// The entry for `sam_vit_b` / `sam-vit-b` / `vit_b` (case-insensitive) or its file name.
    public static func named(_ name: String) -> SAMCheckpointCatalog? {
        let key = name.lowercased().replacingOccurrences(of: "-", with: "_")
        return all.first { $0.name == key || $0.name == "sam_" + key || $0.fileName == key }
    }

    /// The published configuration a checkpoint file name points to (`sam_vit_h_4b8939.pth`, or
    /// any name containing `vit_b`/`vit_l`/`vit_h`), if any.
    public static func configuration(forFileName fileName: String) -> SAMConfiguration? {
        let key = fileName.lowercased().replacingOccurrences(of: "-", with: "_")
        if let exact = all.first(where: { $0.fileName == key }) { return exact.configuration }
        for (tag, config) in [("vit_b", SAMConfiguration.vitB), ("vit_l", .vitL), ("vit_h", .vitH)] where key.contains(tag) {
            return config
        }
        return nil
    }
}
