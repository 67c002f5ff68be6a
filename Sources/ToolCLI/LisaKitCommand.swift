import ArgumentParser

/// The `lisakit` command: build reasoning-segmentation datasets.
@main
struct LisaKitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lisakit",
        abstract: "Build reasoning-segmentation datasets: images, masks and [SEG] instructions.",
        discussion: """
        A dataset lives in one SQLite store (--db, default $LISAKIT_DB or ./lisakit.db). \
        Start with `lisakit init`, register images with `lisakit images add`, and check the \
        store with `lisakit stats`.
        """,
        version: "0.1.0",
        subcommands: [
            InitCommand.self,
            StatsCommand.self,
            ImagesCommand.self,
            ImportCommand.self,
            TemplateCommand.self,
            ParaphraseCommand.self,
            WriteQueriesCommand.self,
            ModelsCommand.self,
            TokenizeCommand.self,
            EmbedCommand.self,
            MaskCommand.self,
            ExportCommand.self,
            SplitCommand.self,
        ]
    )
}
