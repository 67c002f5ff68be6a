import ArgumentParser

/// `lisakit images …`: manage the images of a store.
struct ImagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "images",
        abstract: "Register and inspect images.",
        subcommands: [ImagesAddCommand.self])
}
