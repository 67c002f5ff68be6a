/// Errors fetching models from a Hugging Face Hub endpoint or a plain URL.
public enum HubError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A repo id that is not `owner/name` (or `name`), or that could escape the cache folder.
    case invalidRepo(String)
    /// The server answered 404.
    case notFound(url: String)
    /// The server answered 401/403 (a private or gated repo: set HF_TOKEN).
    case unauthorized(url: String, status: Int)
    /// Any other unexpected HTTP status.
    case httpStatus(url: String, status: Int)
    /// The connection failed or broke off; what was received is kept for resuming.
    case transfer(url: String, reason: String, bytesKept: Int)
    /// The downloaded bytes do not have the published sha256 (the partial file is removed).
    case hashMismatch(url: String, expected: String, actual: String)
    /// The downloaded size differs from the announced size (the partial file is removed).
    case sizeMismatch(url: String, expected: Int, actual: Int)
    /// The repo listing could not be understood.
    case badListing(url: String, reason: String)
    /// Offline mode (HF_HUB_OFFLINE=1) and the revision is not in the cache.
    case offlineNotCached(repo: String, revision: String)
    /// Another download of the same file held its lock for longer than the configured wait.
    case locked(path: String)
    /// A local file operation failed.
    case io(path: String, reason: String)
    /// A `--sha256` that is not 64 hex digits, or a URL we cannot fetch.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .invalidRepo(let repo): "invalid repo id '\(repo)' (expected owner/name)"
        case .notFound(let url): "\(url): not found (HTTP 404)"
        case .unauthorized(let url, let status):
            "\(url): HTTP \(status): not authorized (for private or gated repos set HF_TOKEN)"
        case .httpStatus(let url, let status): "\(url): unexpected HTTP status \(status)"
        case .transfer(let url, let reason, let kept):
            "\(url): transfer failed: \(reason) (\(kept) bytes kept; run again to resume)"
        case .hashMismatch(let url, let expected, let actual):
            "\(url): sha256 mismatch: expected \(expected), got \(actual) (download discarded)"
        case .sizeMismatch(let url, let expected, let actual):
            "\(url): size mismatch: expected \(expected) bytes, got \(actual) (download discarded)"
        case .badListing(let url, let reason): "\(url): cannot read the repo listing: \(reason)"
        case .offlineNotCached(let repo, let revision):
            "\(repo)@\(revision) is not in the cache and HF_HUB_OFFLINE is set"
        case .locked(let path): "\(path): another download of this file is still running (lock held)"
        case .io(let path, let reason): "\(path): \(reason)"
        case .invalidArgument(let text): text
        }
    }
}
