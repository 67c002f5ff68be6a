import Foundation
import Glibc

/// The folder an export writes into, and the guard that keeps every write inside it.
///
/// Opening refuses a non-empty folder unless `overwrite` is set, in which case its previous
/// contents are removed first (a clean re-run) — but only when the folder holds a previous
/// export (marked by a `.lisakit-export` file), so a mistyped OUT never deletes anyone's files. Every file is addressed by a relative path that
/// is checked to stay inside the folder (no absolute paths, no `..`, no symbolic link leading
/// out), and written through `AtomicFile`, so an interrupted export leaves only `.partial`
/// temporaries, never a file that looks complete but is not.
public struct OutputFolder: Sendable {
    /// The absolute, symlink-resolved path of the folder.
    public let path: String

    /// The suffix of files being written; a finished export has none.
    public static let partialSuffix = ".partial"

    public init(path: String, overwrite: Bool) throws(ExportError) {
        let fm = FileManager.default
        let absolute = Self.absolute(path)
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: absolute, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .badOutput(path: absolute, reason: "exists and is not a folder") }
            let entries: [String]
            do { entries = try fm.contentsOfDirectory(atPath: absolute) } catch {
                throw .badOutput(path: absolute, reason: "cannot list: \(error.localizedDescription)")
            }
            if !entries.isEmpty {
                guard overwrite else { throw .outputNotEmpty(path: absolute, entries: entries.count) }
                guard entries.contains(Self.markerName) else {
                    throw .badOutput(path: absolute, reason: "it holds files that are not a LisaKit export; refusing to delete them "
                        + "(choose a new or empty folder)")
                }
                for entry in entries {
                    do { try fm.removeItem(atPath: absolute + "/" + entry) } catch {
                        throw .badOutput(path: absolute + "/" + entry, reason: "cannot remove: \(error.localizedDescription)")
                    }
                }
            }
        } else {
            do { try fm.createDirectory(atPath: absolute, withIntermediateDirectories: true) } catch {
                throw .badOutput(path: absolute, reason: "cannot create: \(error.localizedDescription)")
            }
        }
        guard let resolved = realpath(absolute, nil) else {
            throw .badOutput(path: absolute, reason: String(cString: strerror(errno)))
        }
        self.path = String(cString: resolved)
        free(resolved)
        try write(Self.markerName, Array("LisaKit export: --overwrite may replace this folder's contents\n".utf8))
    }

    /// Opens a folder that holds an earlier, interrupted LisaKit export and keeps its files (a
    /// sharded export resuming it decides which stay); its `.partial` files are removed.
    init(resuming path: String) throws(ExportError) {
        let absolute = Self.absolute(path)
        guard FileManager.default.fileExists(atPath: absolute + "/" + Self.markerName) else {
            throw .badOutput(path: absolute, reason: "it holds no LisaKit export to resume")
        }
        guard let resolved = realpath(absolute, nil) else {
            throw .badOutput(path: absolute, reason: String(cString: strerror(errno)))
        }
        self.path = String(cString: resolved)
        free(resolved)
        removePartials()
    }

    /// `path` made absolute against the current folder.
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// The file that marks a folder as a LisaKit export.
    public static let markerName = ".lisakit-export"


    /// The absolute path of `relative` inside the folder, with its parent folders created.
    /// Throws `outsideOutput` for absolute paths, `..`, empty components, or a parent that
    /// resolves (through symbolic links) outside the folder.
    public func file(_ relative: String) throws(ExportError) -> String {
        let components = relative.split(separator: "/", omittingEmptySubsequences: false)
        guard !relative.hasPrefix("/"), !components.isEmpty,
              components.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." && !$0.contains("\0") }) else {
            throw .outsideOutput(path: relative, output: path)
        }
        var parent = path
        for component in components.dropLast() {
            parent += "/" + component
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory) {
                if mkdir(parent, 0o755) != 0 && errno != EEXIST {
                    throw errno == ENOSPC ? .diskFull(path: parent) : .writeFailed(path: parent, reason: String(cString: strerror(errno)))
                }
            }
        }
        if components.count > 1 {
            guard let resolved = realpath(parent, nil) else { throw .outsideOutput(path: relative, output: path) }
            let real = String(cString: resolved)
            free(resolved)
            guard real == path || real.hasPrefix(path + "/") else { throw .outsideOutput(path: parent, output: path) }
        }
        return parent == path ? path + "/" + components[0] : parent + "/" + components[components.count - 1]
    }

    /// Opens `relative` for writing through a temporary `.partial` file.
    public func create(_ relative: String, hashing: Bool = false, sync: Bool = false) throws(ExportError) -> AtomicFile {
        try AtomicFile(path: try file(relative), hashing: hashing, sync: sync)
    }

    /// Writes a whole small file atomically.
    public func write(_ relative: String, _ bytes: [UInt8]) throws(ExportError) {
        let file = try create(relative)
        try file.write(bytes)
        try file.commit()
    }

    /// Removes leftover `.partial` files (of a killed run) under the folder; returns how many.
    @discardableResult
    public func removePartials() -> Int {
        guard let walker = FileManager.default.enumerator(atPath: path) else { return 0 }
        var removed = 0
        while let name = walker.nextObject() as? String {
            if name.hasSuffix(Self.partialSuffix), unlink(path + "/" + name) == 0 { removed += 1 }
        }
        return removed
    }
}
