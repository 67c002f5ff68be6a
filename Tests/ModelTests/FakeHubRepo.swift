import TestSupport
import Foundation
import Serialization

/// A small model repository served in the Hugging Face Hub's HTTP layout by `LoopbackHTTPServer`:
/// `/api/models/REPO/revision/REV` (siblings with LFS sha256 / blob ids) and
/// `/REPO/resolve/REV/FILE` (ETag, X-Repo-Commit, Range).
final class FakeHubRepo: @unchecked Sendable {
    static let repo = "acme/tiny-model"
    static let commit = "0123456789abcdef0123456789abcdef01234567"

    struct File {
        let name: String
        let bytes: [UInt8]
        /// Listed with `lfs.sha256` (weights) or a `blobId` (small git files); neither → ETag only.
        let lfs: Bool
        let blobID: String?
    }

    let files: [File]
    private let lock = NSLock()
    /// Paths whose next plain (non-Range) GET is cut after this many bytes.
    private var cuts: [String: Int] = [:]
    /// When set, the listing advertises this sha256 for `model.safetensors`.
    var advertisedSHA256: String?
    /// When set, the listing advertises this blob id for `config.json`.
    var advertisedBlobID: String?
    /// When set, LFS files answer with a 302 to `/cdn/SHA256` (as the Hub sends them to its CDN).
    var redirectLFS = false
    /// When set, requests must carry `Authorization: Bearer TOKEN`.
    var requiredToken: String?

    init() {
        var weights = [UInt8](repeating: 0, count: 300_000)
        var state: UInt32 = 12345
        for i in weights.indices {
            state = state &* 1_103_515_245 &+ 12345
            weights[i] = UInt8(truncatingIfNeeded: state >> 16)
        }
        files = [
            File(name: "config.json", bytes: Array(#"{"hidden_size": 8, "model_type": "bert"}"#.utf8), lfs: false,
                 blobID: "a6ed17f91e85892f645ca1ca1b0ae85eadaf5de8"), // git hash-object, computed with hashlib
            File(name: "model.safetensors", bytes: weights, lfs: true, blobID: nil),
            File(name: "1_Pooling/config.json", bytes: Array(#"{"pooling_mode_mean_tokens": true}"#.utf8), lfs: false, blobID: nil),
        ]
    }

    func file(_ name: String) -> File? { files.first { $0.name == name } }

    func cut(_ name: String, after bytes: Int) { lock.withLock { cuts["/\(Self.repo)/resolve/\(Self.commit)/\(name)"] = bytes } }

    func handle(_ request: TestHTTPRequest) -> TestHTTPResponse {
        if let token = lock.withLock({ requiredToken }), request.headers["authorization"] != "Bearer \(token)" {
            return TestHTTPResponse(status: 401, body: Array("unauthorized".utf8))
        }
        let path = request.path.removingPercentEncoding ?? request.path
        for revision in ["main", Self.commit] where path == "/api/models/\(Self.repo)/revision/\(revision)" {
            return TestHTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: listing())
        }
        if path.hasPrefix("/cdn/"), let file = files.first(where: { $0.lfs && "/cdn/" + SHA256.hex(of: $0.bytes) == path }) {
            return LoopbackHTTPServer.serve(file.bytes, for: request)
        }
        let prefix = "/\(Self.repo)/resolve/\(Self.commit)/"
        guard path.hasPrefix(prefix), let file = file(String(path.dropFirst(prefix.count))) else {
            return TestHTTPResponse(status: 404, body: Array("not found".utf8))
        }
        // As the Hub: LFS files are tagged by sha256, regular files by git blob id.
        let etag = file.lfs ? SHA256.hex(of: file.bytes) : SHA1.gitBlobID(size: file.bytes.count) { $0.update(file.bytes) }
        if file.lfs, lock.withLock({ redirectLFS }) {
            return TestHTTPResponse(status: 302, headers: ["Location": "/cdn/\(etag)", "X-Linked-Etag": "\"\(etag)\"",
                                                           "X-Repo-Commit": Self.commit])
        }
        var response = LoopbackHTTPServer.serve(file.bytes, for: request,
                                                headers: ["ETag": "\"\(etag)\"", "X-Repo-Commit": Self.commit])
        if request.method == "GET", request.headers["range"] == nil, let cut = lock.withLock({ cuts.removeValue(forKey: path) }) {
            response.cutAfter = cut
        }
        return response
    }

    private func listing() -> [UInt8] {
        let siblings: [[String: Any]] = files.map { f in
            var s: [String: Any] = ["rfilename": f.name, "size": f.bytes.count]
            if f.lfs {
                s["lfs"] = ["sha256": advertisedSHA256 ?? SHA256.hex(of: f.bytes), "size": f.bytes.count, "pointerSize": 134]
            }
            if let b = f.blobID { s["blobId"] = f.name == "config.json" ? (advertisedBlobID ?? b) : b }
            return s
        }
        let json: [String: Any] = ["id": Self.repo, "sha": Self.commit, "siblings": siblings]
        return [UInt8]((try? JSONSerialization.data(withJSONObject: json)) ?? Data())
    }
}
