import Foundation

/// The two stages of a streaming export, run at once: a producer thread reads the store page by
/// page and prepares each image's samples (reads the image file, builds JSON, encodes mask
/// PNGs); the calling thread writes them (shards, hashes). Between them a queue holding at most
/// `queueBytes` of prepared samples, so memory stays bounded whatever the dataset's size, and
/// the output order is the stream's (deterministic).
enum ExportPipeline {
    private enum Message<Sample: Sendable>: Sendable {
        case sample(Sample)
        case imageDone(withoutInstructions: Bool)
        case failed(ExportError)
    }

    /// Runs the stages. `prepare` (on the producer thread) returns an image's samples with their
    /// byte sizes; `consume` gets each sample and `imageDone` each finished image (true: it had
    /// no instruction), in stream order on the calling thread. The first error of either side
    /// stops both and is rethrown (after the producer has stopped).
    static func run<Sample: Sendable>(
        _ stream: ExportStream, queueBytes: Int,
        prepare: @escaping @Sendable (ExportItem) throws(ExportError) -> [(sample: Sample, size: Int)],
        consume: (Sample) throws(ExportError) -> Void,
        imageDone: (_ withoutInstructions: Bool) -> Void
    ) throws(ExportError) {
        let queue = BoundedQueue<Message<Sample>>(capacityBytes: queueBytes)
        let finished = DispatchSemaphore(value: 0)
        let producer = Thread {
            defer { finished.signal() }
            do throws(ExportError) {
                try stream.forEach { (item) throws(ExportError) in
                    for (sample, size) in try prepare(item) {
                        if !queue.push(.sample(sample), size: size) { throw ExportError.writeFailed(path: "", reason: "cancelled") }
                    }
                    if !queue.push(.imageDone(withoutInstructions: item.instructions.isEmpty), size: 0) {
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
                case .imageDone(let withoutInstructions): imageDone(withoutInstructions)
                case .sample(let sample): try consume(sample)
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
