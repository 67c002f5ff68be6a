import ArgumentParser
import Testing
@testable import ToolCLI

@Suite("lisakit models")
struct ModelsCommandTests {
    @Test("pull and list parse under the root command")
    func parsing() throws {
        let pull = try LisaKitCommand.parseAsRoot(["models", "pull", "acme/tiny", "--revision", "v1", "--include", "*.json"])
        let command = try #require(pull as? ModelsPullCommand)
        #expect(command.source == "acme/tiny" && command.revision == "v1" && command.include == ["*.json"])
        #expect(try LisaKitCommand.parseAsRoot(["models", "list", "--json"]) is ModelsListCommand)
        let url = try #require(try LisaKitCommand.parseAsRoot(
            ["models", "pull", "http://127.0.0.1:1/w.bin", "--sha256", String(repeating: "a", count: 64)]) as? ModelsPullCommand)
        #expect(url.sha256?.count == 64)
    }

    @Test("a URL needs --sha256; --sha256 and --output only go with URLs", arguments: [
        ["http://127.0.0.1:1/w.bin"],
        ["acme/tiny", "--sha256", String(repeating: "a", count: 64)],
        ["acme/tiny", "--output", "/tmp/x"],
    ])
    func validation(_ arguments: [String]) {
        #expect(throws: (any Error).self) { _ = try ModelsPullCommand.parse(arguments) }
    }

    @Test("byte counts print in decimal units")
    func sizes() {
        #expect(formatBytes(999) == "999 B")
        #expect(formatBytes(84_000_000) == "84.0 MB")
    }
}
