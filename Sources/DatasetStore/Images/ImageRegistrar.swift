import Annotate
import GRDB
import Glibc

/// Registers image files in a store: deduplicated by content hash, decoded in full to reject
/// corrupt files, written in batched transactions so that a run killed at any moment leaves a
/// consistent store and a re-run finishes the job without duplicates.
public struct ImageRegistrar: Sendable {
    public let store: DatasetStore

    public init(store: DatasetStore) { self.store = store }

    /// File name extensions picked up when walking folders (files named explicitly are always tried).
    public static let imageExtensions: Set<String> = ["png", "jpg", "jpeg"]

    struct Candidate: Sendable {
        var absolutePath: String
        var rootID: Int64?
        /// Path relative to the dataset root (also the source id when a source dataset is named).
        var relativePath: String?
        var size: Int
    }

    enum Outcome: Sendable {
        case inspected(Candidate, ImageInspection, [UInt8]?)
        case failed(String, String)
    }

    /// Registers files and folders (walked recursively). Bad files are reported in the result
    /// (or thrown with `strict`); the store stays consistent either way.
    public func register(_ paths: [String], options: ImageRegistrationOptions = .init(),
                         progress: (RegistrationProgress) -> Void = { _ in }) throws(RegistrationError) -> ImageRegistrationReport {
        var report = ImageRegistrationReport()
        var candidates: [Candidate] = []
        func fail(_ path: String, _ reason: String) throws(RegistrationError) {
            if options.strict { throw .badFile(path: path, reason: reason) }
            report.failures.append(.init(path: path, reason: reason))
        }

        for path in paths {
            let real: String
            do { real = try PathError.realPath(path) } catch {
                try fail(path, Self.reason(error, path: path))
                continue
            }
            let isFolder = PathError.isDirectory(real)
            let rootFolder: String
            if let explicit = options.root { rootFolder = explicit } else if isFolder { rootFolder = real } else {
                rootFolder = String(real[..<(real.lastIndex(of: "/") ?? real.endIndex)])
            }
            let root: DatasetRoot
            do { root = try DatasetRoot(folder: rootFolder.isEmpty ? "/" : rootFolder) } catch {
                try fail(rootFolder, "dataset root: \(error)")
                continue
            }
            guard root.contains(real) else {
                try fail(path, "not inside the dataset root \(root.path)")
                continue
            }
            var rootID: Int64? = nil
            var storeRoot = root
            if !options.copyToBlobs {
                do {
                    (rootID, storeRoot) = try rootRecord(for: root, explicit: options.root != nil)
                } catch { throw .store(error) }
            }
            if isFolder {
                var problems: [PathError] = []
                DirectoryWalker(root: root).walk(real, visit: { entry in
                    let name = entry.absolutePath.split(separator: "/").last.map(String.init) ?? ""
                    let ext = name.split(separator: ".").count > 1 ? name.split(separator: ".").last!.lowercased() : ""
                    guard Self.imageExtensions.contains(ext) else {
                        report.skippedNotImages += 1
                        return
                    }
                    candidates.append(Candidate(absolutePath: entry.absolutePath, rootID: rootID,
                                                relativePath: storeRoot.relativePath(of: entry.absolutePath),
                                                size: entry.size))
                }, problem: { problems.append($0) })
                for problem in problems {
                    switch problem {
                    case .unreadable(let path, let reason): try fail(path, "cannot read folder or file: \(reason)")
                    case .escapesRoot(let path, let root): try fail(path, "symbolic link leads outside the dataset root \(root); skipped")
                    case .notFound(let path): try fail(path, "not found")
                    case .notADirectory(let path): try fail(path, "not a directory")
                    }
                }
            } else {
                var info = stat()
                guard stat(real, &info) == 0 else {
                    try fail(path, String(cString: strerror(errno)))
                    continue
                }
                candidates.append(Candidate(absolutePath: real, rootID: rootID,
                                            relativePath: storeRoot.relativePath(of: real),
                                            size: Int(info.st_size)))
            }
        }

        var done = 0
        progress(RegistrationProgress(done: 0, total: candidates.count))
        var start = 0
        while start < candidates.count {
            let batch = Array(candidates[start..<min(start + options.batchSize, candidates.count)])
            start += batch.count
            try registerBatch(batch, options: options, report: &report)
            done += batch.count
            progress(RegistrationProgress(done: done, total: candidates.count))
        }
        return report
    }

    /// The registered root to store paths under: an existing root containing `root` (unless the
    /// user named the root explicitly), else `root` itself, created when missing.
    private func rootRecord(for root: DatasetRoot, explicit: Bool) throws(StoreError) -> (Int64, DatasetRoot) {
        try store.write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, path FROM dataset_roots")
            var best: (Int64, String)? = nil
            for row in rows {
                let id: Int64 = row["id"], path: String = row["path"]
                if path == root.path { return (id, root) }
                if !explicit, DatasetRoot.contains(path, root.path), path.count > (best?.1.count ?? -1) { best = (id, path) }
            }
            if let best {
                return (best.0, try DatasetRoot(folder: best.1))
            }
            try db.execute(sql: "INSERT INTO dataset_roots(path) VALUES (?)", arguments: [root.path])
            return (db.lastInsertedRowID, root)
        }
    }

    private func registerBatch(_ batch: [Candidate], options: ImageRegistrationOptions,
                               report: inout ImageRegistrationReport) throws(RegistrationError) {
        // Files already registered at the same place with the same size are not read again.
        let known: [Int?]
        do {
            known = try store.read { db in
                let statement = try db.cachedStatement(sql: "SELECT byte_size FROM images WHERE root_id = ? AND rel_path = ? AND storage = 'root'")
                return try batch.map { candidate in
                    guard let rootID = candidate.rootID, let relative = candidate.relativePath else { return nil }
                    return try Int.fetchOne(statement, arguments: [rootID, relative])
                }
            }
        } catch { throw .store(error) }

        var pending: [Candidate] = []
        for (candidate, size) in zip(batch, known) {
            guard let size else { pending.append(candidate); continue }
            if size == candidate.size {
                report.alreadyPresent += 1
            } else {
                let reason = "file changed since it was registered (\(size) bytes then, \(candidate.size) now); not updated"
                if options.strict { throw .badFile(path: candidate.absolutePath, reason: reason) }
                report.failures.append(.init(path: candidate.absolutePath, reason: reason))
            }
        }

        let keepBytes = options.copyToBlobs
        let outcomes = parallelMap(pending) { candidate -> Outcome in
            do {
                let bytes = try FileBytes.read(candidate.absolutePath)
                let inspection = try ImageInspection.inspect(bytes, source: candidate.absolutePath)
                return .inspected(candidate, inspection, keepBytes ? bytes : nil)
            } catch {
                return .failed(candidate.absolutePath, Self.reason(error, path: candidate.absolutePath))
            }
        }

        var accepted: [(Candidate, ImageInspection)] = []
        for outcome in outcomes {
            switch outcome {
            case .failed(let path, let reason):
                if options.strict { throw .badFile(path: path, reason: reason) }
                report.failures.append(.init(path: path, reason: reason))
            case .inspected(let candidate, let inspection, let bytes):
                if let bytes {
                    do { try Self.writeBlob(bytes, sha256: inspection.sha256, location: store.location) } catch {
                        if options.strict { throw .badFile(path: candidate.absolutePath, reason: error.description) }
                        report.failures.append(.init(path: candidate.absolutePath, reason: error.description))
                        continue
                    }
                }
                accepted.append((candidate, inspection))
            }
        }
        if accepted.isEmpty { return }

        let counts: (added: Int, present: Int)
        do {
            counts = try store.write { db in
                let writer = RecordWriter(db)
                var added = 0, present = 0
                for (candidate, inspection) in accepted {
                    let source = options.sourceDataset.map { ($0, candidate.relativePath ?? inspection.sha256) }
                    let result = try writer.insertImage(inspection, rootID: candidate.rootID, relativePath: candidate.relativePath,
                                                        source: source, groupKey: options.groupKey, split: options.split)
                    if result.inserted { added += 1 } else { present += 1 }
                }
                return (added, present)
            }
        } catch { throw .store(error) }
        report.added += counts.added
        report.alreadyPresent += counts.present
    }

    /// Stores bytes in the blob folder under their hash (temporary file + rename: a killed run
    /// leaves no partial blob; an orphan blob is harmless and reused by the re-run).
    static func writeBlob(_ bytes: [UInt8], sha256: String, location: StoreLocation) throws(ImageCodecError) {
        let path = location.blobPath(sha256: sha256)
        var info = stat()
        if stat(path, &info) == 0 && Int(info.st_size) == bytes.count { return }
        let folder = String(path[..<path.lastIndex(of: "/")!])
        for directory in [location.blobDirectory, folder] {
            if mkdir(directory, 0o755) != 0 && errno != EEXIST {
                throw .unreadable(path: directory, reason: "cannot create blob folder: \(String(cString: strerror(errno)))")
            }
        }
        try FileBytes.writeAtomically(bytes, to: path)
    }

    /// The reason part of an error about `path` (without repeating the path).
    static func reason(_ error: any Error, path: String) -> String {
        let text = "\(error)"
        return text.hasPrefix(path + ": ") ? String(text.dropFirst(path.count + 2)) : text
    }
}

extension DatasetRoot {
    /// Whether the canonical folder `outer` contains the canonical path `inner`.
    static func contains(_ outer: String, _ inner: String) -> Bool {
        inner == outer || inner.hasPrefix(outer == "/" ? "/" : outer + "/")
    }
}
