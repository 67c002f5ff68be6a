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
        .library(name: "Augment", targets: ["Augment"]),
        .library(name: "Model", targets: ["Model"]),
        .library(name: "Serialization", targets: ["Serialization"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // C shims over the system image libraries: they turn libpng/libjpeg errors
        // (longjmp / exit) into return codes with a message.
        .target(name: "CPNG", linkerSettings: [.linkedLibrary("png16")]),
        .target(name: "CJPEG", linkerSettings: [.linkedLibrary("jpeg")]),
        // OpenBLAS (cblas) from libopenblas-dev.
        .systemLibrary(name: "COpenBLAS", providers: [.apt(["libopenblas-dev"])]),
        // SIMD kernels (GEMM micro-kernels, quantized dot products, SHA-256) compiled per instruction set
        // and dispatched at run time (see Sources/CKernels/include/ck_cpu.h).
        // Optimized in every configuration: SwiftPM compiles C at -O0 in debug, which left the
        // GEMM and quantized kernels 10-30x slower and made `swift test` crawl through the model
        // parity tests. (An unsafe flag: fine for this root package, which is used as a tool.)
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O2"])]),
        // File I/O calls Swift's Glibc module does not expose (sync_file_range, for exports).
        .target(name: "CFileIO"),
        // zlib (inflate, crc32) from zlib1g-dev.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),

        // Zip archives, a data-only unpickler and SHA-256 (SHA-NI kernel from CKernels where the
        // CPU has it): shared by checkpoint readers, importers and exporters.
        .target(name: "Serialization", dependencies: ["CZlib", "CKernels"]),

        .target(name: "Annotate", dependencies: ["CPNG", "CJPEG"]),
        .target(
            name: "DatasetStore",
            dependencies: ["Annotate", "Serialization", "CFileIO", .product(name: "GRDB", package: "GRDB.swift")],
            plugins: ["EmbedSchema"]
        ),
        // Generates the DatasetStore's copy of schema.sql at build time.
        .plugin(name: "EmbedSchema", capability: .buildTool()),
        .target(name: "Model", dependencies: ["COpenBLAS", "CKernels", "Serialization"]),
        .target(
            name: "Augment",
            dependencies: ["Annotate", "DatasetStore", "Model", "Serialization", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "Yams", package: "Yams")]
        ),
        .executableTarget(
            name: "ToolCLI",
            dependencies: [
                "Annotate", "DatasetStore", "Augment", "Model",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Swift side of the tools/bench_*.py benchmarks.
        .executableTarget(name: "Bench", dependencies: ["Annotate", "Model", "Serialization", "Augment", "DatasetStore", .product(name: "GRDB", package: "GRDB.swift")]),

        // Helpers shared by the test targets (temporary folders, sample data, small images).
        .target(name: "TestSupport", dependencies: ["DatasetStore", "Annotate"], path: "Tests/Support"),
        .testTarget(name: "AnnotateTests", dependencies: ["Annotate"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DatasetStoreTests", dependencies: ["DatasetStore", "Annotate", "Serialization", "TestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "AugmentTests", dependencies: ["Augment", "DatasetStore", "Model", "TestSupport"]),
        .testTarget(name: "ModelTests", dependencies: ["Model", "Serialization", "TestSupport", "Annotate"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SerializationTests", dependencies: ["Serialization"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ToolCLITests", dependencies: ["ToolCLI", "DatasetStore", "Annotate", "Model", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
