import Dispatch

/// Maps `body` over `items` on all cores, keeping the order. Used for CPU-bound per-file work
/// (decoding, hashing) between database transactions.
func parallelMap<T: Sendable, R: Sendable>(_ items: [T], _ body: @Sendable (T) -> R) -> [R] {
    if items.count <= 1 { return items.map(body) }
    let results = UnsafeMutableBufferPointer<R?>.allocate(capacity: items.count)
    results.initialize(repeating: nil)
    defer {
        // Release the results the buffer still holds (their copies are returned below).
        results.deinitialize()
        results.deallocate()
    }
    nonisolated(unsafe) let output = results
    DispatchQueue.concurrentPerform(iterations: items.count) { index in
        output[index] = body(items[index])
    }
    return results.map { $0! }
}
