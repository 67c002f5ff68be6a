import Glibc

/// Lists the regular files under a folder, depth first in name order (so runs are
/// deterministic), without leaving the dataset root: symbolic links are followed only when
/// their target is inside the root, and each folder is visited once (no link cycles).
public struct DirectoryWalker: Sendable {
    public struct Entry: Sendable, Equatable {
        /// Canonical absolute path of the file.
        public var absolutePath: String
        /// Size in bytes.
        public var size: Int
    }

    public let root: DatasetRoot

    public init(root: DatasetRoot) { self.root = root }

    /// Walks `folder` (inside the root). Files are passed to `visit`; folders that cannot be
    /// read and links that lead outside the root are passed to `problem` and skipped.
    public func walk(_ folder: String, visit: (Entry) throws -> Void, problem: (PathError) -> Void) rethrows {
        var visited = Set<FileIdentity>()
        try walk(folder, visited: &visited, visit: visit, problem: problem)
    }

    private struct FileIdentity: Hashable { var device: UInt64; var inode: UInt64 }

    private func walk(_ folder: String, visited: inout Set<FileIdentity>, visit: (Entry) throws -> Void,
                      problem: (PathError) -> Void) rethrows {
        var info = stat()
        guard stat(folder, &info) == 0 else {
            problem(.unreadable(path: folder, reason: String(cString: strerror(errno))))
            return
        }
        guard visited.insert(FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))).inserted else { return }
        guard let directory = opendir(folder) else {
            problem(.unreadable(path: folder, reason: String(cString: strerror(errno))))
            return
        }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            names.append(name)
        }
        closedir(directory)
        names.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        for name in names {
            let path = folder + "/" + name
            var linkInfo = stat()
            guard lstat(path, &linkInfo) == 0 else {
                problem(.unreadable(path: path, reason: String(cString: strerror(errno))))
                continue
            }
            var target = path
            var targetInfo = linkInfo
            if (linkInfo.st_mode & S_IFMT) == S_IFLNK {
                guard let real = try? PathError.realPath(path) else {
                    problem(.notFound(path: path + " (dangling symbolic link)"))
                    continue
                }
                guard root.contains(real) else {
                    problem(.escapesRoot(path: path, root: root.path))
                    continue
                }
                guard stat(real, &targetInfo) == 0 else { continue }
                target = real
            }
            switch targetInfo.st_mode & S_IFMT {
            case S_IFDIR:
                try walk(target, visited: &visited, visit: visit, problem: problem)
            case S_IFREG:
                try visit(Entry(absolutePath: target, size: Int(targetInfo.st_size)))
            default:
                continue
            }
        }
    }
}
