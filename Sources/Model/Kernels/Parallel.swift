import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Splits loops over the machine's cores with `DispatchQueue.concurrentPerform`.
public enum Parallel {
    /// Workers per parallel loop, read once: `LISAKIT_THREADS` if set (benchmarks pin it to the
    /// peer's thread count), else the online processors.
    public static let coreCount: Int = {
        #if canImport(Glibc)
        if let env = getenv("LISAKIT_THREADS"), let n = Int(String(cString: env)), n > 0 { return n }
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 1
        #endif
    }()

    /// Runs `body` over `0..<count` split into contiguous chunks, one or more per core.
    /// Work smaller than `grain` items per chunk stays on the calling thread.
    public static func forRanges(_ count: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
        if count <= 0 { return }
        let chunks = min(coreCount, max(1, count / max(1, grain)))
        if chunks <= 1 { body(0..<count); return }
        // Callers guarantee the chunks touch disjoint data; the box only carries that promise
        // past the @Sendable requirement of concurrentPerform.
        withoutActuallyEscaping(body) { body in
            let task = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let lo = count * c / chunks
                let hi = count * (c + 1) / chunks
                if lo < hi { task.value(lo..<hi) }
            }
        }
    }
}

/// A pointer that may cross into `concurrentPerform` workers; each worker writes a disjoint part.
@usableFromInline
struct SendablePointer<T>: @unchecked Sendable {
    @usableFromInline let base: UnsafeMutablePointer<T>
    @usableFromInline init(_ base: UnsafeMutablePointer<T>) { self.base = base }
}

struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
