import Foundation

/// A sample of a sharded export (one per image and instruction), as the export's shared stages
/// see it.
protocol ShardedSample: Sendable {
    /// The split whose shards it goes into.
    var split: String { get }
    /// Bytes it holds in memory (what the queue between the stages counts).
    var size: Int { get }
    /// Its instruction targets nothing (a rejection answer).
    var negative: Bool { get }
    /// Its instruction has several targets.
    var multiTarget: Bool { get }
    /// Its place in the stream.
    var key: SampleKey { get }
}

/// Samples counted but not written (a resumed export's samples already in kept shards).
struct SampleTally: Sendable {
    var samples = 0
    var negatives = 0
    var multiTarget = 0
}

/// The two stages of a streaming export, run at once: a producer thread reads the store page by
/// page and prepares each image's samples (reads the image file, builds JSON, encodes mask
/// PNGs); the calling thread writes them (shards, hashes). Between them a queue holding at most
/// `queueBytes` of prepared samples, so memory stays bounded whatever the dataset's size, and
/// the output order is the stream's (deterministic). An image's samples travel together (one
/// hand-over, one wake-up, per image).
enum ExportPipeline {
    private enum Message<Sample: Sendable>: Sendable {
        case image([Sample], skipped: SampleTally, withoutInstructions: Bool)
        case failed(ExportError)
    }

    /// Runs the stages. `prepare` (on the producer thread) returns an image's samples and a
    /// tally of those it skipped; `consume` gets each sample and `imageDone` each finished image
    /// (true: it had no instruction; the skipped tally), in stream order on the calling thread.
    /// The first error of either side stops both and is rethrown (after the producer has stopped).
    static func run<Sample: ShardedSample>(
        _ stream: ExportStream, queueBytes: Int,
        prepare: @escaping @Sendable (ExportItem) throws(ExportError) -> (samples: [Sample], skipped: SampleTally),
        consume: (Sample) throws(ExportError) -> Void,
        imageDone: (_ withoutInstructions: Bool, _ skipped: SampleTally) -> Void
    ) throws(ExportError) {
        let queue = BoundedQueue<Message<Sample>>(capacityBytes: queueBytes)
        let finished = DispatchSemaphore(value: 0)
        let producer = Thread {
            defer { finished.signal() }
            do throws(ExportError) {
                try stream.forEach { (item) throws(ExportError) in
                    let (samples, skipped) = try prepare(item)
                    let size = samples.reduce(0) { $0 + $1.size }
                    if !queue.push(.image(samples, skipped: skipped, withoutInstructions: item.instructions.isEmpty), size: size) {
                        throw ExportError.writeFailed(path: "", reason: "cancelled")
                    }
                }
            } catch {
                _ = queue.push(.failed(error), size: 0)
            }
            queue.close()
        }
        producer.stackSize = 8 << 20
        producer.start()
        do throws(ExportError) {
            while let message = queue.pop() {
                switch message {
                case .failed(let error): throw error
                case .image(let samples, let skipped, let withoutInstructions):
                    for sample in samples { try consume(sample) }
                    imageDone(withoutInstructions, skipped)
                }
            }
        } catch {
            queue.close()
            finished.wait() // the producer stops at its next push
            throw error
        }
        finished.wait()
    }
}
