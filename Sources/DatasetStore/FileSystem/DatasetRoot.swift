import Glibc

/// A dataset root: a folder that image and annotation paths are relative to. Every path resolved
/// through it is checked to stay inside it after symbolic links are followed, so a record can
/// never make LisaKit read or write outside the dataset (`../../etc/passwd`, absolute paths,
/// links pointing elsewhere).
public struct DatasetRoot: Sendable, Equatable {
    /// The root's canonical absolute path (symbolic links resolved, no trailing slash).
    public let path: String

    /// A root for an existing folder.
    public init(folder: String) throws(PathError) {
        let real = try PathError.realPath(folder)
        guard PathError.isDirectory(real) else { throw .notADirectory(path: folder) }
        self.path = real
    }

    /// Resolves `relative` (as written in a dataset file) to an absolute path inside the root.
    /// Absolute paths, `..` that climbs out, and symbolic links that lead outside are refused.
    public func resolve(_ relative: String) throws(PathError) -> String {
        if relative.isEmpty { throw .escapesRoot(path: relative, root: path) }
        if relative.hasPrefix("/") { throw .escapesRoot(path: relative, root: path) }
        var parts: [Substring] = []
        for component in relative.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == ".." {
                if parts.isEmpty { throw .escapesRoot(path: relative, root: path) }
                parts.removeLast()
            } else {
                parts.append(component)
            }
        }
        if parts.isEmpty { throw .escapesRoot(path: relative, root: path) }
        let joined = path + "/" + parts.joined(separator: "/")
        // Follow links: the real target must still be inside the root.
        guard let real = try? PathError.realPath(joined) else { return joined }
        guard contains(real) else { throw .escapesRoot(path: relative, root: path) }
        return real
    }

    /// Whether an absolute canonical path lies inside the root.
    public func contains(_ absolute: String) -> Bool {
        absolute == path || absolute.hasPrefix(path == "/" ? "/" : path + "/")
    }

    /// The path of `absolute` relative to the root, or nil when it is outside.
    public func relativePath(of absolute: String) -> String? {
        guard contains(absolute), absolute != path else { return nil }
        return String(absolute.dropFirst(path == "/" ? 1 : path.count + 1))
    }
}

/// Why a path could not be used.
public enum PathError: Error, CustomStringConvertible, Equatable, Sendable {
    case notFound(path: String)
    case notADirectory(path: String)
    case unreadable(path: String, reason: String)
    case escapesRoot(path: String, root: String)

    public var description: String {
        switch self {
        case .notFound(let path): "\(path): no such file or directory"
        case .notADirectory(let path): "\(path): not a directory"
        case .unreadable(let path, let reason): "\(path): cannot read: \(reason)"
        case .escapesRoot(let path, let root): "\(path): path leads outside the dataset root \(root); refused"
        }
    }

    /// The canonical absolute path (realpath(3)).
    static func realPath(_ path: String) throws(PathError) -> String {
        guard let resolved = Glibc.realpath(path, nil) else {
            if errno == ENOENT || errno == ENOTDIR { throw .notFound(path: path) }
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}
