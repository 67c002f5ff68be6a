import Foundation

/// A model found on disk by `ModelInventory`.
public struct InstalledModel: Sendable, Equatable {
    public enum Source: String, Sendable {
        /// A snapshot in the Hugging Face cache.
        case hub
        /// A folder or file in the lisakit models folder (`make models`, plain-URL downloads).
        case local
    }

    public let source: Source
    /// `owner/name` for hub snapshots; the folder or file name for local models.
    public let name: String
    /// The refs (branches, tags) pointing at a hub snapshot, else its commit.
    public let revisions: [String]
    public let path: String
    /// Total size of the files (symlinks followed).
    public let bytes: Int
    public let fileCount: Int
}

/// What is installed: hub snapshots in the cache and entries of the models folder.
public enum ModelInventory {
    public static func list(_ configuration: HubConfiguration) -> [InstalledModel] {
        hubSnapshots(configuration.cacheDirectory) + localModels(configuration.modelsDirectory)
    }

    static func hubSnapshots(_ cache: String) -> [InstalledModel] {
        let fm = FileManager.default
        var out: [InstalledModel] = []
        for folder in ((try? fm.contentsOfDirectory(atPath: cache)) ?? []).sorted() where folder.hasPrefix("models--") {
            let name = String(folder.dropFirst("models--".count)).replacingOccurrences(of: "--", with: "/")
            let root = "\(cache)/\(folder)"
            var refsByCommit: [String: [String]] = [:]
            let refsRoot = "\(root)/refs"
            for ref in (fm.enumerator(atPath: refsRoot)?.allObjects as? [String] ?? []) {
                if let commit = try? String(contentsOfFile: "\(refsRoot)/\(ref)", encoding: .utf8) {
                    refsByCommit[commit.trimmingCharacters(in: .whitespacesAndNewlines), default: []].append(ref)
                }
            }
            for commit in ((try? fm.contentsOfDirectory(atPath: "\(root)/snapshots")) ?? []).sorted() {
                let path = "\(root)/snapshots/\(commit)"
                let (bytes, count) = size(of: path)
                out.append(InstalledModel(source: .hub, name: name, revisions: (refsByCommit[commit] ?? [commit]).sorted(),
                                          path: path, bytes: bytes, fileCount: count))
            }
        }
        return out
    }

    static func localModels(_ folder: String) -> [InstalledModel] {
        let fm = FileManager.default
        var out: [InstalledModel] = []
        for entry in ((try? fm.contentsOfDirectory(atPath: folder)) ?? []).sorted() where !entry.hasPrefix(".") {
            let path = "\(folder)/\(entry)"
            if entry == "downloads" {
                for file in ((try? fm.contentsOfDirectory(atPath: path)) ?? []).sorted() where !file.hasPrefix(".") {
                    let (bytes, count) = size(of: "\(path)/\(file)")
                    out.append(InstalledModel(source: .local, name: file, revisions: [], path: "\(path)/\(file)",
                                              bytes: bytes, fileCount: count))
                }
                continue
            }
            let (bytes, count) = size(of: path)
            out.append(InstalledModel(source: .local, name: entry, revisions: [], path: path, bytes: bytes, fileCount: count))
        }
        return out
    }

    /// Bytes and number of regular files under `path` (or of the file itself), links followed.
    static func size(of path: String) -> (Int, Int) {
        var info = stat()
        guard stat(path, &info) == 0 else { return (0, 0) }
        if (info.st_mode & S_IFMT) != S_IFDIR { return (Int(info.st_size), 1) }
        var bytes = 0, count = 0
        for item in (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? []) {
            var s = stat()
            if stat("\(path)/\(item)", &s) == 0, (s.st_mode & S_IFMT) == S_IFREG {
                bytes += Int(s.st_size)
                count += 1
            }
        }
        return (bytes, count)
    }
}
