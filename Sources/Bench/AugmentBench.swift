import Augment
import DatasetStore
import Foundation

/// `lisakit-bench augment [N] [hashing|minilm [MODELS_DIR]]`: paraphrase throughput with the
/// quality gate, in instructions per second: N reasoning queries in a fresh on-disk store,
/// rewritten 3 times each by the `rules` backend, every candidate judged by the gate (with the
/// word-hashing embedder or the MiniLM encoder), accepted ones stored. JSON on stdout.
enum AugmentBench {
    static func run(_ arguments: [String]) async throws {
        let count = arguments.first.flatMap(Int.init) ?? 2000
        let embedder: any SentenceEmbedder
        if arguments.count > 1 && arguments[1] == "minilm" {
            let folder = arguments.count > 2 ? arguments[2] : MiniLMEmbedder.modelsDirectory()
            guard let encoder = try MiniLMEmbedder.installed(modelsDirectory: folder) else {
                throw AugmentError.unavailableBackend(name: "minilm", reason: "all-MiniLM-L6-v2 is not installed in \(folder)")
            }
            embedder = encoder
        } else {
            embedder = HashingEmbedder()
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lisakit-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try DatasetStore.create(at: folder + "/bench.db").store
        let uses = AffordanceLexicon.entries.sorted { $0.key < $1.key }.flatMap { entry in entry.value.uses.map { (entry.key, $0) } }
        try store.write { db in
            try db.execute(sql: "INSERT INTO images(sha256, storage, width, height, format, byte_size) VALUES (?, 'blob', 640, 480, 'jpeg', 1)",
                           arguments: [String(repeating: "a", count: 64)])
            let writer = RecordWriter(db)
            for index in 0..<count {
                let (name, use) = uses[index % uses.count]
                let pattern = AffordanceLexicon.sentencePatterns[index % AffordanceLexicon.sentencePatterns.count]
                let text = "After lunch, " + pattern.replacingOccurrences(of: "{use}", with: use).lowercasedFirst() + " (\(index))"
                let category = try writer.category(name: name)
                let mask = try writer.insert(NewAnnotation(imageID: 1, categoryID: category, instanceKey: "m\(index)", geometryKind: .rle,
                                                           geometryJSON: #"{"size":[480,640],"counts":"0"}"#, area: 0, bbox: [0, 0, 0, 0]))
                try writer.insert(NewInstruction(imageID: 1, key: "q\(index)", text: text, kind: .reasoning, isSentence: true,
                                                 targetAnnotationIDs: [mask.id]))
            }
        }
        let runner = ParaphraseRunner(store: store, backend: RulesParaphraser(seed: 1), gate: QualityGate(embedder: embedder))
        let start = Date()
        let report = try await runner.run(ParaphraseOptions(perInstruction: 3))
        let seconds = Date().timeIntervalSince(start)
        let result: [String: Any] = [
            "instructions": count, "candidates": report.candidates, "accepted": report.accepted, "seconds": seconds,
            "instructions_per_second": Double(count) / seconds, "embedder": embedder.name, "backend": "rules",
        ]
        let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}

extension String {
    func lowercasedFirst() -> String { prefix(1).lowercased() + dropFirst() }
}
