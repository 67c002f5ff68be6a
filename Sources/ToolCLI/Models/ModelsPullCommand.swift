import ArgumentParser
import Foundation
import Model

/// `lisakit models pull REPO [--revision R]` / `lisakit models pull URL --sha256 HEX` /
/// `lisakit models pull sam_vit_b|sam_vit_l|sam_vit_h` (Meta's SAM checkpoints, URL and sha256 known).
struct ModelsPullCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Download a Hub repo snapshot, or one file from a URL verified by its sha256.",
        discussion: "Interrupted downloads resume where they stopped when run again."
    )

    @Argument(help: "A Hub repo id (owner/name), an http(s) URL, or an official SAM checkpoint name (sam_vit_b, sam_vit_l, sam_vit_h).")
    var source: String

    @Option(help: "Branch, tag or commit of a Hub repo.")
    var revision: String = "main"

    @Option(help: "Only files matching this glob (repeatable), e.g. --include '*.json' --include '*.safetensors'.")
    var include: [String] = []

    @Option(help: "sha256 (64 hex digits) the URL's file must have. Required for URLs.")
    var sha256: String?

    @Option(help: "Folder for a URL download (default: $LISAKIT_MODELS/downloads).")
    var output: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        if SAMCheckpointCatalog.named(source) != nil {
            guard sha256 == nil else { throw ValidationError("\(source) is a known SAM checkpoint; its sha256 is built in") }
        } else if source.contains("://") {
            guard sha256 != nil else { throw ValidationError("a URL needs --sha256 HEX") }
        } else if sha256 != nil || output != nil {
            throw ValidationError("--sha256 and --output apply to URLs only")
        }
    }

    func run() async throws {
        let client = HubClient(configuration: .fromEnvironment(), log: { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        })
        if let sam = SAMCheckpointCatalog.named(source) {
            let path = try await client.pull(url: sam.url, sha256: sam.sha256, into: output)
            print(json ? try jsonText(["name": sam.name, "path": path, "sha256": sam.sha256, "url": sam.url]) : path)
        } else if source.contains("://"), let sha256 {
            let path = try await client.pull(url: source, sha256: sha256, into: output)
            print(json ? try jsonText(["path": path, "sha256": sha256.lowercased()]) : path)
        } else {
            let snapshot = try await client.pull(repo: source, revision: revision, include: include)
            if json {
                print(try jsonText(["repo": snapshot.repo, "revision": snapshot.revision, "commit": snapshot.commit,
                                    "path": snapshot.path, "files": snapshot.files]))
            } else {
                print(snapshot.path)
            }
        }
    }
}

func jsonText(_ object: Any) throws -> String {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    return String(decoding: data, as: UTF8.self)
}
