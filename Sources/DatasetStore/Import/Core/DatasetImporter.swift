import Annotate

/// An importer of one source format: reads the source under the session's dataset root,
/// streaming, and hands the session one `ImportUnit` per image.
public protocol DatasetImporter {
    /// The format's name (`lisakit import FORMAT`), also the default source-dataset name.
    static var format: String { get }
    func run(_ session: ImportSession) throws(ImportError)
}

extension ImportSession {
    /// Files under `folder` (inside the root) whose name ends with one of `extensions`, in name
    /// order; unreadable folders and links out of the root are reported as problems.
    public func files(in folder: String, extensions: Set<String>) throws(ImportError) -> [String] {
        var found: [String] = []
        var problems: [PathError] = []
        DirectoryWalker(root: root).walk(folder, visit: { entry in
            let name = entry.absolutePath.split(separator: "/").last.map(String.init) ?? ""
            if let dot = name.lastIndex(of: "."), extensions.contains(name[name.index(after: dot)...].lowercased()) {
                found.append(entry.absolutePath)
            }
        }, problem: { problems.append($0) })
        for problem in problems {
            try self.problem(ImportProblem(file: folder, reason: problem.description), category: "unreadable path")
        }
        return found
    }

    /// The path of `absolute` relative to the root (for source ids and messages).
    public func relative(_ absolute: String) -> String { root.relativePath(of: absolute) ?? absolute }

    /// The size of the image at a root-relative path, read from its header.
    public func imageSize(_ relativePath: String) throws(ImportError) -> (width: Int, height: Int) {
        do {
            let path = try root.resolve(relativePath)
            let bytes = try FileBytes.read(path)
            switch ImageFormat.sniff(bytes) {
            case .jpeg:
                let info = try JPEGCodec.info(bytes, source: path)
                return (info.width, info.height)
            case .png:
                let image = try PNGCodec.decode(bytes, source: path, options: .init(paletteAsIndices: true))
                return (image.width, image.height)
            case nil:
                throw ImageCodecError.unknownFormat(source: path)
            }
        } catch let error as ImportError {
            throw error
        } catch {
            throw .unreadableSource(path: relativePath, reason: "\(error)")
        }
    }
}
