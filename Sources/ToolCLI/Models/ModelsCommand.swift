import ArgumentParser

/// `lisakit models`: fetch model files and show what is installed.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Fetch models (Hugging Face Hub layout or plain URLs) and list installed ones.",
        discussion: """
        Hub downloads go to the huggingface_hub cache (HF_HUB_CACHE, else HF_HOME/hub, else
        ~/.cache/huggingface/hub) and honour HF_ENDPOINT, HF_TOKEN and HF_HUB_OFFLINE=1.
        Plain-URL downloads go to $LISAKIT_MODELS/downloads ($LISAKIT_MODELS defaults to ./models,
        where `make models` installs; `list` shows both places).
        """,
        subcommands: [ModelsPullCommand.self, ModelsListCommand.self]
    )
}
