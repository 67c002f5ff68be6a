import TestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Model
import Serialization
import Testing

/// Downloads against a real HTTP server on 127.0.0.1 (see LoopbackHTTPServer); nothing else is contacted.
@Suite("Hub downloads")
struct HubClientTests {
    /// A fresh cache + models folder, a fake Hub and a server for it.
    struct Setup {
        let root: URL
        let hub = FakeHubRepo()
        let server: LoopbackHTTPServer

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("hub-test-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            let hub = self.hub
            server = try LoopbackHTTPServer { hub.handle($0) }
        }

        func configuration(offline: Bool = false, token: String? = nil, attempts: Int = 1) -> HubConfiguration {
            var c = HubConfiguration(endpoint: server.endpoint, token: token, cacheDirectory: root.appendingPathComponent("hub").path,
                                     offline: offline, modelsDirectory: root.appendingPathComponent("models").path)
            c.idleTimeout = 10
            c.maxAttempts = attempts
            return c
        }

        var repoFolder: String { root.appendingPathComponent("hub/models--acme--tiny-model").path }

        func cleanup() {
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
    }

    private func contents(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    @Test("pulls a repo into the huggingface_hub cache layout, then reuses it")
    func pullAndReuse() async throws {
        let s = try Setup()
        defer { s.cleanup() }
        let snapshot = try await HubClient(configuration: s.configuration()).pull(repo: FakeHubRepo.repo)
        #expect(snapshot.commit == FakeHubRepo.commit)
        #expect(snapshot.path == "\(s.repoFolder)/snapshots/\(FakeHubRepo.commit)")
        #expect(snapshot.files == ["1_Pooling/config.json", "config.json", "model.safetensors"])
        for file in s.hub.files {
            #expect(try contents("\(snapshot.path)/\(file.name)") == file.bytes, "\(file.name)")
        }
        // Snapshot entries are relative links into blobs/, named by sha256 / blob id / ETag.
        let weightsLink = try FileManager.default.destinationOfSymbolicLink(atPath: "\(snapshot.path)/model.safetensors")
        #expect(weightsLink == "../../blobs/\(SHA256.hex(of: s.hub.file("model.safetensors")!.bytes))")
        let nested = try FileManager.default.destinationOfSymbolicLink(atPath: "\(snapshot.path)/1_Pooling/config.json")
        // Listed without blob id: named (and verified) by the ETag of a HEAD request, its git blob id.
        #expect(nested == "../../../blobs/11dc2133678c5d9124cba0b6e69b959508e4cc31")
        #expect(s.server.requests.contains { $0.method == "HEAD" && $0.path.hasSuffix("/1_Pooling/config.json") })
        #expect(try String(contentsOfFile: "\(s.repoFolder)/refs/main", encoding: .utf8) == FakeHubRepo.commit)
        let blobs = try FileManager.default.contentsOfDirectory(atPath: "\(s.repoFolder)/blobs")
        #expect(blobs.count == 3 && !blobs.contains { $0.hasSuffix(".incomplete") })

        let before = s.server.requests.count
        let again = try await HubClient(configuration: s.configuration()).pull(repo: FakeHubRepo.repo)
        #expect(again == snapshot)
        let later = s.server.requests.dropFirst(before)
        #expect(!later.contains { $0.method == "GET" && $0.path.contains("/resolve/") }, "cached files fetched again")

        // The inventory sees the snapshot.
        let installed = ModelInventory.list(s.configuration())
        #expect(installed.count == 1)
        #expect(installed.first?.name == "acme/tiny-model" && installed.first?.revisions == ["main"])
        #expect(installed.first?.fileCount == 3)
    }

    @Test("an interrupted download resumes with a Range request")
    func resumeAfterInterruption() async throws {
        let s = try Setup()
        defer { s.cleanup() }
        let weights = s.hub.file("model.safetensors")!.bytes
        s.hub.cut("model.safetensors", after: 120_000)
        await #expect(throws: HubError.self) {
            _ = try await HubClient(configuration: s.configuration(attempts: 1)).pull(repo: FakeHubRepo.repo)
        }
        let partial = "\(s.repoFolder)/blobs/\(SHA256.hex(of: weights)).incomplete"
        let kept = try contents(partial)
        #expect(kept.count == 120_000 && kept == Array(weights.prefix(120_000)))
        #expect(!FileManager.default.fileExists(atPath: "\(s.repoFolder)/blobs/\(SHA256.hex(of: weights))"))

        let snapshot = try await HubClient(configuration: s.configuration(attempts: 1)).pull(repo: FakeHubRepo.repo)
        #expect(try contents("\(snapshot.path)/model.safetensors") == weights)
        #expect(s.server.requests.contains { $0.headers["range"] == "bytes=120000-" })
        #expect(!FileManager.default.fileExists(atPath: partial))
    }

    @Test("a broken connection is retried within one pull, resuming")
    func retriesResume() async throws {
        let s = try Setup()
        defer { s.cleanup() }
        s.hub.cut("model.safetensors", after: 77_777)
        let snapshot = try await HubClient(configuration: s.configuration(attempts: 3)).pull(repo: FakeHubRepo.repo)
        #expect(try contents("\(snapshot.path)/model.safetensors") == s.hub.file("model.safetensors")!.bytes)
        #expect(s.server.requests.contains { $0.headers["range"] == "bytes=77777-" })
    }

    @Test("LFS files redirected to a CDN path are followed")
    func redirect() async throws {
        let s = try Setup()
        defer { s.cleanup() }
        s.hub.redirectLFS = true
        let snapshot = try await HubClient(configuration: s.configuration()).pull(repo: FakeHubRepo.repo)
        #expect(try contents("\(snapshot.path)/model.safetensors") == s.hub.file("model.safetensors")!.bytes)
        #expect(s.server.requests.contains { $0.path.hasPrefix("/cdn/") })
    }

    @Test("a file another process is downloading (flock held on its lock) is waited for, then fetched")
    func lockedByAnotherProcess() async throws {
        let s = try Setup()
        defer { s.cleanup() }
        let weights = s.hub.file("model.safetensors")!.bytes
        let lockPath = s.root.appendingPathComponent("hub/.locks/models--acme--tiny-model/\(SHA256.hex(of: weights)).lock").path
        try FileManager.default.createDirectory(atPath: (lockPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let fd = open(lockPath, O_RDWR | O_CREAT, 0o644)
        #expect(fd >= 0 && flock(fd, LOCK_EX) == 0)
        var impatient = s.configuration()
        impatient.lockTimeout = 0.3
        await #expect(throws: HubError.locked(path: lockPath)) {
            _ = try await HubClient(configuration: impatient).pull(repo: FakeHubRepo.repo)
        }
        flock(fd, LOCK_UN)
        close(fd)
        let snapshot = try await HubClient(configuration: impatient).pull(repo: FakeHubRepo.repo)
        #expect(try contents("\(snapshot.path)/model.safetensors") == weights)
    }

    @Test("a wrong sha256 discards the download")
    func wrongHash() async throws {
        let s = try Setup()
        defer { s.cleanup() }
        let bogus = String(repeating: "ab", count: 32)
        s.hub.advertisedSHA256 = bogus
        await #expect {
            _ = try await HubClient(configuration: s.configuration()).pull(repo: FakeHubRepo.repo)
        } throws: { error in
            guard case .hashMismatch(_, let expected, let actual) = error as? HubError else { return false }
            return expected == bogus && actual == SHA256.hex(of: s.hub.file("model.safetensors")!.bytes)
        }
        let blobs = (try? FileManager.default.contentsOfDirectory(atPath: "\(s.repoFolder)/blobs")) ?? []
        #expect(!blobs.contains { $0.hasPrefix(bogus) })
        #expect(!FileManager.default.fileExists(atPath: "\(s.repoFolder)/snapshots/\(FakeHubRepo.commit)/model.safetensors"))
    }

    @Test("a regular file whose git blob id does not match is refused")
    func wrongBlobID() async throws {
        let s = try Setup()
        defer { s.cleanup() }
        let bogus = String(repeating: "1", count: 40)
        s.hub.advertisedBlobID = bogus
        await #expect {
            _ = try await HubClient(configuration: s.configuration()).pull(repo: FakeHubRepo.repo, include: ["config.json"])
        } throws: { error in
            guard case .hashMismatch(_, let expected, let actual) = error as? HubError else { return false }
            return expected == bogus && actual == "a6ed17f91e85892f645ca1ca1b0ae85eadaf5de8"
        }
        #expect(!FileManager.default.fileExists(atPath: "\(s.repoFolder)/blobs/\(bogus)"))
    }

    @Test("404 for an unknown repo, 401 without the token, success with it")
    func notFoundAndAuth() async throws {
        let s = try Setup()
        defer { s.cleanup() }
        await #expect {
            _ = try await HubClient(configuration: s.configuration()).pull(repo: "acme/missing")
        } throws: { error in
            if case .notFound(let url) = error as? HubError { return url.contains("/api/models/acme/missing/") }
            return false
        }
        s.hub.requiredToken = "secret-token"
        await #expect {
            _ = try await HubClient(configuration: s.configuration()).pull(repo: FakeHubRepo.repo)
        } throws: { error in
            if case .unauthorized(_, 401) = error as? HubError { return true }
            return false
        }
        let snapshot = try await HubClient(configuration: s.configuration(token: "secret-token")).pull(repo: FakeHubRepo.repo)
        #expect(snapshot.files.count == 3)
        #expect(s.server.requests.last?.headers["authorization"] == "Bearer secret-token")
    }

    @Test("offline mode resolves from the cache only")
    func offline() async throws {
        let s = try Setup()
        defer { s.cleanup() }
        let offline = HubClient(configuration: s.configuration(offline: true))
        await #expect(throws: HubError.offlineNotCached(repo: FakeHubRepo.repo, revision: "main")) {
            _ = try await offline.pull(repo: FakeHubRepo.repo)
        }
        #expect(s.server.requests.isEmpty)
        let online = try await HubClient(configuration: s.configuration()).pull(repo: FakeHubRepo.repo, include: ["*.json"])
        #expect(online.files == ["1_Pooling/config.json", "config.json"])
        let count = s.server.requests.count
        let cached = try await offline.pull(repo: FakeHubRepo.repo)
        #expect(cached.commit == FakeHubRepo.commit && cached.files == online.files)
        let byCommit = try await offline.pull(repo: FakeHubRepo.repo, revision: FakeHubRepo.commit)
        #expect(byCommit.files == online.files)
        #expect(s.server.requests.count == count)
    }

    @Test("plain URLs: verified by sha256, resumable, 404 and wrong hash refused")
    func plainURL() async throws {
        let s = try Setup()
        defer { s.cleanup() }
        let weights = s.hub.file("model.safetensors")!.bytes
        let digest = SHA256.hex(of: weights)
        let url = "\(s.server.endpoint)/\(FakeHubRepo.repo)/resolve/\(FakeHubRepo.commit)/model.safetensors"
        let client = HubClient(configuration: s.configuration())
        let folder = s.root.appendingPathComponent("out").path

        await #expect(throws: HubError.hashMismatch(url: url, expected: String(repeating: "0", count: 64), actual: digest)) {
            _ = try await client.pull(url: url, sha256: String(repeating: "0", count: 64), into: folder)
        }
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/model.safetensors"))

        s.hub.cut("model.safetensors", after: 5_000)
        await #expect(throws: HubError.self) { _ = try await client.pull(url: url, sha256: digest, into: folder) }
        let path = try await client.pull(url: url, sha256: digest.uppercased(), into: folder)
        #expect(path == "\(folder)/model.safetensors")
        #expect(try contents(path) == weights)
        #expect(s.server.requests.contains { $0.headers["range"] == "bytes=5000-" })

        await #expect(throws: HubError.notFound(url: url + ".missing")) {
            _ = try await client.pull(url: url + ".missing", sha256: digest, into: folder)
        }
        await #expect(throws: HubError.self) { _ = try await client.pull(url: url, sha256: "xyz", into: folder) }
    }

    @Test("environment variables pick endpoint, token, cache and offline mode")
    func environment() {
        let c = HubConfiguration.fromEnvironment([
            "HOME": "/home/u", "HF_ENDPOINT": "http://127.0.0.1:9/", "HF_TOKEN": "t", "HF_HOME": "/data/hf",
            "HF_HUB_OFFLINE": "1", "LISAKIT_MODELS": "/m",
        ])
        #expect(c.endpoint == "http://127.0.0.1:9" && c.token == "t" && c.offline)
        #expect(c.cacheDirectory == "/data/hf/hub" && c.modelsDirectory == "/m")
        let d = HubConfiguration.fromEnvironment(["HOME": "/home/u"])
        #expect(d.endpoint == "https://huggingface.co" && d.token == nil && !d.offline)
        #expect(d.cacheDirectory == "/home/u/.cache/huggingface/hub")
        #expect(d.modelsDirectory == FileManager.default.currentDirectoryPath + "/models")
        #expect(HubConfiguration.fromEnvironment(["HOME": "/h", "HF_HUB_CACHE": "/c", "HF_HOME": "/x"]).cacheDirectory == "/c")
    }

    @Test("repo ids are validated", arguments: [
        ("acme/tiny-model", true), ("bert-base-uncased", true), ("a/b/c", false), ("../x", false),
        ("acme/..", false), ("", false), ("acme/", false), ("acme/na me", false),
    ])
    func repoIDs(_ id: String, _ valid: Bool) {
        #expect(((try? HubRepo(id)) != nil) == valid)
    }
}
