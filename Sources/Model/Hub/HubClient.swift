import Foundation
import Serialization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A model snapshot in the Hub cache: `HF cache/models--OWNER--NAME/snapshots/COMMIT`.
public struct HubSnapshot: Sendable, Equatable {
    public let repo: String
    public let revision: String
    public let commit: String
    /// The snapshot folder; files are symlinks into `../../blobs`, as `huggingface_hub` lays them out.
    public let path: String
    /// Repo-relative file names, sorted.
    public let files: [String]
}

/// Fetches models from a Hugging Face Hub endpoint into the shared `huggingface_hub` cache, and
/// single files from plain URLs with a published sha256.
///
/// Why the shared cache layout: models fetched by Python tools and by `lisakit` are the same
/// files on disk, and either side finds what the other downloaded (also offline).
public struct HubClient: Sendable {
    public let configuration: HubConfiguration
    /// Receives one line per notable step (file fetched, reused, resumed).
    public var log: (@Sendable (String) -> Void)?

    public init(configuration: HubConfiguration = .fromEnvironment(), log: (@Sendable (String) -> Void)? = nil) {
        self.configuration = configuration
        self.log = log
    }

    // MARK: - Hub repos

    /// Fetches `repo` at `revision` (branch, tag or commit) into the cache and returns the
    /// snapshot. Files already in the cache are reused; `include` globs (`*.json`,
    /// `*.safetensors`) restrict the files fetched. In offline mode only the cache is consulted.
    public func pull(repo id: String, revision: String = "main", include: [String] = []) async throws -> HubSnapshot {
        let repo = try HubRepo(id)
        try Self.validateRevision(revision)
        let folder = "\(configuration.cacheDirectory)/\(repo.cacheFolderName)"
        if configuration.offline {
            return try cachedSnapshot(repo: repo, revision: revision, folder: folder)
        }
        let listing = try await fetchListing(repo: repo, revision: revision)
        let commit = listing.commit
        let selected = listing.files.filter { file in
            include.isEmpty || include.contains { Glob.matches($0, file.name) }
        }
        for file in selected {
            let (blobName, sha256, gitBlob) = try await blobName(repo: repo, commit: commit, file: file)
            let blob = "\(folder)/blobs/\(blobName)"
            if let size = ResumableDownload.fileSize(blob), file.size.map({ $0 == size }) ?? true {
                log?("\(repo)/\(file.name): in cache")
            } else {
                let partial = ResumableDownload.fileSize(blob + ".incomplete") ?? 0
                log?("\(repo)/\(file.name): \(partial > 0 ? "resuming at \(partial) bytes" : "downloading")\(file.size.map { " (\($0) bytes)" } ?? "")")
                var download = ResumableDownload(
                    url: try resolveURL(repo: repo, revision: commit, file: file.name), destination: blob,
                    incompletePath: blob + ".incomplete", expectedSize: file.size, expectedSHA256: sha256,
                    expectedGitBlobID: gitBlob,
                    idleTimeout: configuration.idleTimeout, maxAttempts: configuration.maxAttempts,
                    lockPath: "\(configuration.cacheDirectory)/.locks/\(repo.cacheFolderName)/\(blobName).lock",
                    lockTimeout: configuration.lockTimeout, log: log)
                download.headers = authHeaders
                download.authorizedHost = URL(string: configuration.endpoint)?.host
                try await download.run()
            }
            try link(snapshot: "\(folder)/snapshots/\(commit)", file: file.name, blobName: blobName)
        }
        if revision != commit {
            try write(commit, to: "\(folder)/refs/\(revision)")
        }
        let snapshotPath = "\(folder)/snapshots/\(commit)"
        try FileManager.default.createDirectory(atPath: snapshotPath, withIntermediateDirectories: true)
        return HubSnapshot(repo: repo.id, revision: revision, commit: commit, path: snapshotPath,
                           files: selected.map(\.name).sorted())
    }

    /// The cached snapshot of `repo@revision`, without any network access.
    public func cachedSnapshot(repo id: String, revision: String = "main") throws -> HubSnapshot {
        let repo = try HubRepo(id)
        try Self.validateRevision(revision)
        return try cachedSnapshot(repo: repo, revision: revision, folder: "\(configuration.cacheDirectory)/\(repo.cacheFolderName)")
    }

    private func cachedSnapshot(repo: HubRepo, revision: String, folder: String) throws -> HubSnapshot {
        var commit = revision
        if !Self.isCommitHash(revision) {
            guard let ref = try? String(contentsOfFile: "\(folder)/refs/\(revision)", encoding: .utf8) else {
                throw HubError.offlineNotCached(repo: repo.id, revision: revision)
            }
            commit = ref.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let path = "\(folder)/snapshots/\(commit)"
        var isDirectory: ObjCBool = false
        guard Self.isCommitHash(commit), FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
              isDirectory.boolValue else {
            throw HubError.offlineNotCached(repo: repo.id, revision: revision)
        }
        let files = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? []).filter { name in
            var dir: ObjCBool = false
            return FileManager.default.fileExists(atPath: "\(path)/\(name)", isDirectory: &dir) && !dir.boolValue
        }
        return HubSnapshot(repo: repo.id, revision: revision, commit: commit, path: path, files: files.sorted())
    }

    // MARK: - Plain URLs

    /// Fetches `url` into `directory` (default: the models folder's `downloads/`) unless a file of
    /// that name with this sha256 is already there; returns the file's path. Resumable; the file
    /// appears only once its sha256 matches.
    public func pull(url text: String, sha256: String, into directory: String? = nil) async throws -> String {
        let digest = sha256.lowercased()
        guard digest.count == 64, digest.allSatisfy({ $0.isHexDigit }) else {
            throw HubError.invalidArgument("--sha256 must be 64 hex digits, got '\(sha256)'")
        }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              url.host != nil else {
            throw HubError.invalidArgument("'\(text)' is not an http(s) URL")
        }
        let name = url.lastPathComponent
        guard !name.isEmpty, name != "/", ZipEntryName.isSafe(name), !name.contains("/") else {
            throw HubError.invalidArgument("'\(text)' does not end in a file name")
        }
        let folder = directory ?? "\(configuration.modelsDirectory)/downloads"
        let destination = "\(folder)/\(name)"
        if FileManager.default.fileExists(atPath: destination),
           (try? ResumableDownload.sha256(ofFile: destination)) == digest {
            log?("\(name): already present, sha256 verified")
            return destination
        }
        if configuration.offline { throw HubError.offlineNotCached(repo: text, revision: "sha256:\(digest)") }
        log?("\(name): downloading from \(text)")
        let download = ResumableDownload(
            url: url, destination: destination, incompletePath: "\(folder)/.\(digest).incomplete",
            expectedSize: nil, expectedSHA256: digest,
            idleTimeout: configuration.idleTimeout, maxAttempts: configuration.maxAttempts,
            lockPath: "\(folder)/.\(digest).lock", lockTimeout: configuration.lockTimeout, log: log)
        try await download.run()
        return destination
    }

    // MARK: - Listing

    struct RepoFile: Sendable {
        let name: String
        let size: Int?
        /// Published sha256 (LFS files).
        let sha256: String?
        /// Git blob id (regular files).
        let blobID: String?
    }

    struct Listing: Sendable {
        let commit: String
        let files: [RepoFile]
    }

    private var authHeaders: [String: String] {
        configuration.token.map { ["Authorization": "Bearer \($0)"] } ?? [:]
    }

    /// `GET {endpoint}/api/models/{repo}/revision/{revision}?blobs=true`: `sha` and `siblings`.
    func fetchListing(repo: HubRepo, revision: String) async throws -> Listing {
        let text = "\(configuration.endpoint)/api/models/\(repo.id)/revision/\(Self.escape(revision))?blobs=true"
        guard let url = URL(string: text) else { throw HubError.invalidArgument("bad endpoint URL '\(text)'") }
        var request = URLRequest(url: url)
        for (k, v) in authHeaders { request.setValue(v, forHTTPHeaderField: k) }
        let body = BodyBuffer(limit: 64 << 20)
        let head = try await HTTPTransfer.perform(
            request, idleTimeout: configuration.idleTimeout, authorizedHost: url.host,
            wantBody: { $0.status == 200 }, sink: { try body.append($0) })
        switch head.status {
        case 200: break
        case 404: throw HubError.notFound(url: text)
        case 401, 403: throw HubError.unauthorized(url: text, status: head.status)
        default: throw HubError.httpStatus(url: text, status: head.status)
        }
        guard let json = try? JSONSerialization.jsonObject(with: body.data) as? [String: Any] else {
            throw HubError.badListing(url: text, reason: "not a JSON object")
        }
        guard let commit = json["sha"] as? String, Self.isCommitHash(commit) else {
            throw HubError.badListing(url: text, reason: "no 40-hex 'sha'")
        }
        guard let siblings = json["siblings"] as? [[String: Any]] else {
            throw HubError.badListing(url: text, reason: "no 'siblings' list")
        }
        var files: [RepoFile] = []
        for sibling in siblings {
            guard let name = sibling["rfilename"] as? String, ZipEntryName.isSafe(name), !name.hasSuffix("/"),
                  !name.contains("\\") else {
                throw HubError.badListing(url: text, reason: "unsafe or missing file name \(sibling["rfilename"] ?? "nil")")
            }
            let lfs = sibling["lfs"] as? [String: Any]
            let sha = (lfs?["sha256"] as? String)?.lowercased()
            if let sha, !(sha.count == 64 && sha.allSatisfy(\.isHexDigit)) {
                throw HubError.badListing(url: text, reason: "'\(name)': bad lfs sha256")
            }
            let blobID = (sibling["blobId"] as? String).flatMap { Self.isSafeBlobName($0) ? $0 : nil }
            files.append(RepoFile(name: name, size: (lfs?["size"] as? Int) ?? (sibling["size"] as? Int),
                                  sha256: sha, blobID: blobID))
        }
        return Listing(commit: commit, files: files)
    }

    /// The cache blob name (the LFS sha256, the git blob id, or the ETag of a HEAD request) and
    /// how to verify the content: by sha256 (64 hex digits) or git blob id (40).
    private func blobName(repo: HubRepo, commit: String, file: RepoFile) async throws -> (String, String?, String?) {
        func verification(_ name: String) -> (String, String?, String?) {
            let hex = name.allSatisfy(\.isHexDigit)
            return (name, hex && name.count == 64 ? name : nil, hex && name.count == 40 ? name : nil)
        }
        if let sha = file.sha256 { return (sha, sha, nil) }
        if let blob = file.blobID { return verification(blob) }
        let url = try resolveURL(repo: repo, revision: commit, file: file.name)
        var request = URLRequest(url: url)
        request.httpMethod = "HEAD"
        for (k, v) in authHeaders { request.setValue(v, forHTTPHeaderField: k) }
        let head = try await HTTPTransfer.perform(
            request, idleTimeout: configuration.idleTimeout, authorizedHost: url.host,
            wantBody: { _ in false }, sink: { _ in })
        switch head.status {
        case 200...299: break
        case 404: throw HubError.notFound(url: url.absoluteString)
        case 401, 403: throw HubError.unauthorized(url: url.absoluteString, status: head.status)
        default: throw HubError.httpStatus(url: url.absoluteString, status: head.status)
        }
        var etag = head.header("x-linked-etag") ?? head.header("etag") ?? ""
        if etag.hasPrefix("W/") { etag.removeFirst(2) }
        etag = etag.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        guard Self.isSafeBlobName(etag) else {
            throw HubError.badListing(url: url.absoluteString, reason: "no usable ETag for '\(file.name)'")
        }
        return verification(etag.lowercased())
    }

    private func resolveURL(repo: HubRepo, revision: String, file: String) throws -> URL {
        let path = file.split(separator: "/").map { Self.escape(String($0)) }.joined(separator: "/")
        let text = "\(configuration.endpoint)/\(repo.id)/resolve/\(Self.escape(revision))/\(path)"
        guard let url = URL(string: text) else { throw HubError.invalidArgument("bad URL '\(text)'") }
        return url
    }

    // MARK: - Cache layout

    /// `snapshots/COMMIT/FILE` → relative symlink to `blobs/BLOB` (replacing an older link).
    private func link(snapshot: String, file: String, blobName: String) throws {
        let linkPath = "\(snapshot)/\(file)"
        let parent = (linkPath as NSString).deletingLastPathComponent
        let depth = file.split(separator: "/").count + 1 // snapshots/COMMIT/<dirs...>
        let target = String(repeating: "../", count: depth) + "blobs/\(blobName)"
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            if (try? FileManager.default.destinationOfSymbolicLink(atPath: linkPath)) == target { return }
            try? FileManager.default.removeItem(atPath: linkPath)
            try FileManager.default.createSymbolicLink(atPath: linkPath, withDestinationPath: target)
        } catch {
            throw HubError.io(path: linkPath, reason: "cannot link into the snapshot: \(error.localizedDescription)")
        }
    }

    private func write(_ text: String, to path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw HubError.io(path: path, reason: "cannot write: \(error.localizedDescription)")
        }
    }

    static func isCommitHash(_ s: String) -> Bool { s.count == 40 && s.allSatisfy { $0.isHexDigit } }

    private static func isSafeBlobName(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 128 && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// Branches, tags, `refs/pr/N` or commits; no `..`, nothing that could leave `refs/`.
    static func validateRevision(_ revision: String) throws(HubError) {
        let parts = revision.split(separator: "/", omittingEmptySubsequences: false)
        guard !revision.isEmpty, revision.count <= 256,
              parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }),
              revision.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_./+".contains($0)) }) else {
            throw .invalidArgument("invalid revision '\(revision)'")
        }
    }

    static func escape(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}

/// Collects a small response body with a size cap.
private final class BodyBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer = Data()
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    func append(_ data: Data) throws {
        try lock.withLock {
            guard buffer.count + data.count <= limit else {
                throw HubError.invalidArgument("response larger than \(limit) bytes")
            }
            buffer.append(data)
        }
    }

    var data: Data { lock.withLock { buffer } }
}
