import Foundation

/// Where and how models are fetched, from the same environment variables `huggingface_hub` reads.
public struct HubConfiguration: Sendable {
    /// Base URL of the Hub (`HF_ENDPOINT`, default https://huggingface.co), no trailing slash.
    public var endpoint: String
    /// Bearer token (`HF_TOKEN`), sent only to `endpoint`'s host.
    public var token: String?
    /// The hub cache folder: `HF_HUB_CACHE`, else `HF_HOME/hub`, else `~/.cache/huggingface/hub`.
    public var cacheDirectory: String
    /// `HF_HUB_OFFLINE=1`: never touch the network, resolve from the cache only.
    public var offline: Bool
    /// The lisakit models folder (`make models` installs there; plain-URL downloads go to its
    /// `downloads/`): `LISAKIT_MODELS`, else `./models`, as `lisakit embed` reads it.
    public var modelsDirectory: String
    /// Seconds without any data before a request fails.
    public var idleTimeout: TimeInterval = 60
    /// Attempts per file; later attempts resume from what earlier ones received.
    public var maxAttempts: Int = 3
    /// Seconds to wait for another process downloading the same file before giving up.
    public var lockTimeout: TimeInterval = 1800

    public init(endpoint: String, token: String?, cacheDirectory: String, offline: Bool, modelsDirectory: String) {
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.token = token
        self.cacheDirectory = cacheDirectory
        self.offline = offline
        self.modelsDirectory = modelsDirectory
    }

    /// The configuration the environment describes.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> HubConfiguration {
        let home = env["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        let cacheRoot = env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(home)/.cache"
        let hfHome = env["HF_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(cacheRoot)/huggingface"
        let hubCache = env["HF_HUB_CACHE"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(hfHome)/hub"
        let offlineValue = (env["HF_HUB_OFFLINE"] ?? "").lowercased()
        let token = env["HF_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return HubConfiguration(
            endpoint: env["HF_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://huggingface.co",
            token: token,
            cacheDirectory: hubCache,
            offline: ["1", "true", "yes", "on"].contains(offlineValue),
            modelsDirectory: env["LISAKIT_MODELS"].flatMap { $0.isEmpty ? nil : $0 }
                ?? FileManager.default.currentDirectoryPath + "/models")
    }
}
