// swift-tools-version:6.0
// LisaKit: a toolkit for building reasoning-segmentation datasets (LISA-style).
import PackageDescription

let package = Package(
    name: "LisaKit",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lisakit", targets: ["ToolCLI"]),
        .executable(name: "lisakit-bench", targets: ["Bench"]),
        .library(name: "Annotate", targets: ["Annotate"]),
        .library(name: "DatasetStore", targets: ["DatasetStore"]),
        .library(name: "Model", targets: ["Model"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // C shims over the system image libraries: they turn libpng/libjpeg errors
        // (longjmp / exit) into return codes with a message.
        .target(name: "CPNG", linkerSettings: [.linkedLibrary("png16")]),
        .target(name: "CJPEG", linkerSettings: [.linkedLibrary("jpeg")]),
        // OpenBLAS (cblas) from libopenblas-dev.
        .systemLibrary(name: "COpenBLAS", providers: [.apt(["libopenblas-dev"])]),

        .target(name: "Annotate", dependencies: ["CPNG", "CJPEG"]),
        .target(
            name: "DatasetStore",
            dependencies: ["Annotate", .product(name: "GRDB", package: "GRDB.swift")],
            resources: [.copy("Resources/schema.sql")]
        ),
        .target(name: "Model", dependencies: ["COpenBLAS"]),
        .executableTarget(
            name: "ToolCLI",
            dependencies: [
                "Annotate", "DatasetStore", "Model",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks run by tools/bench_*.py beside their Python peers.
        .executableTarget(name: "Bench", dependencies: ["Model"]),

        .testTarget(name: "AnnotateTests", dependencies: ["Annotate"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DatasetStoreTests", dependencies: ["DatasetStore", "Annotate"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ModelTests", dependencies: ["Model"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ToolCLITests", dependencies: ["ToolCLI", "DatasetStore", "Annotate", "Model"], resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)
