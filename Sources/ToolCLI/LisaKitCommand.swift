import ArgumentParser

/// The `lisakit` command: build reasoning-segmentation datasets.
@main
struct LisaKitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lisakit",
        abstract: "Build reasoning-segmentation datasets: images, masks and [SEG] instructions.",
        discussion: """
        A dataset lives in one SQLite store (--db, default $LISAKIT_DB or ./lisakit.db). A typical run: \
        `lisakit init`, `lisakit import reasonseg|labelme|coco|semseg|openimages|scannet|refcoco PATH` \
        (or `lisakit images add` for bare images), `lisakit paraphrase` and `lisakit write-queries` to \
        augment instructions (offline with `--backend local`, a LLaMA-family model run in Swift), \
        `lisakit prelabel --sam CKPT --from-boxes` to turn boxes into SAM masks for review, `lisakit \
        template` for LISA's [SEG] prompts, `lisakit split`, then `lisakit export \
        reasonseg|webdataset|coco|llava|mds OUT`. `lisakit stats` shows what the store holds; `lisakit \
        segment`, `generate` and `chat` run the models on their own.
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
            GenerateCommand.self,
            ChatCommand.self,
            MaskCommand.self,
            ExportCommand.self,
            SplitCommand.self,
            SegmentCommand.self,
            PrelabelCommand.self,
        ]
    )
}
