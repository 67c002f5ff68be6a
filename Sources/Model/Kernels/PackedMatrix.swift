import CKernels

/// The right operand op(B) (k×n) of matrix products, packed once into the panel layout of one
/// SGEMM kernel, so that repeated products with the same B — a layer's weight for every call,
/// an attention head's keys for every block of queries — skip the per-call packing (at batch 1
/// MiniLM spent 29 % of its time re-packing weights) and threads splitting one product share it.
///
/// Layout (`ck_sgemm_packed_size`): for each K block of k, all ⌈n/NR⌉ NR-column panels, so any
/// number of rows of A and any column range starting at a multiple of `panelWidth` can use it.
/// For `GEMMKernel.openBLAS` the matrix stays plain rows (op(B)ᵀ, n×k), which `cblas_sgemm`
/// reads with its own packing. Immutable after init; the storage is freed with the object.
public final class PackedMatrix: @unchecked Sendable {
    /// The kernel whose layout this is; products with it run on this kernel.
    public let kernel: GEMMKernel
    /// Rows of op(B): the inner dimension of the product (a weight's input features).
    public let k: Int
    /// Columns of op(B): the product's output columns (a weight's output features).
    public let n: Int
    /// Columns per micro-panel (NR): column ranges of a product start at its multiples
    /// (1 for OpenBLAS's plain rows).
    public let panelWidth: Int
    /// Floats in `storage` (64-byte aligned).
    let count: Int
    let storage: UnsafeMutablePointer<Float>

    /// Packs op(B) for `kernel`: B stored k×n (row stride `ldb` ≥ n), or n×k when `transB`
    /// (row stride ≥ k; PyTorch's `nn.Linear` weight [out, in] is `transB` with k = in,
    /// n = out). `parallel` splits the packing over `Parallel` by column panels.
    public init(kernel: GEMMKernel = .current, transB: Bool, k: Int, n: Int,
                b: UnsafePointer<Float>, ldb: Int, parallel: Bool = true) {
        precondition(k >= 0 && n >= 0, "PackedMatrix: negative size \(k)×\(n)")
        precondition(ldb >= max(1, transB ? k : n), "PackedMatrix: leading dimension \(ldb) shorter than a stored row")
        let packed = Self.pack(kernel: kernel, transB: transB, k: k, n: n, b: b, ldb: ldb, parallel: parallel)
        self.k = k
        self.n = n
        self.kernel = packed.kernel
        panelWidth = packed.width
        count = packed.count
        storage = packed.storage
    }

    /// Packs a PyTorch `nn.Linear`-layout weight [out, in] (any dtype; widened to fp32) as
    /// op(B) = weightᵀ: k = in, n = out.
    public init(weight: Tensor, kernel: GEMMKernel = .current) {
        precondition(weight.rank == 2, "PackedMatrix: weight must be [out, in], got \(weight.shape)")
        let out = weight.shape[0], inF = weight.shape[1]
        let w = weight.contiguous()
        let packed = w.withUnsafeFloats { p in
            // An empty weight has no base address to read; nothing is read from it then.
            let empty: [Float] = [0]
            return empty.withUnsafeBufferPointer { e in
                Self.pack(kernel: kernel, transB: true, k: inF, n: out, b: p.baseAddress ?? e.baseAddress!,
                          ldb: max(1, inF), parallel: true)
            }
        }
        k = inF
        n = out
        self.kernel = packed.kernel
        panelWidth = packed.width
        count = packed.count
        storage = packed.storage
    }

    /// The packed storage of op(B) for `kernel` (or plain n×k rows for OpenBLAS, also the
    /// fallback when this CPU lacks the kernel).
    private static func pack(kernel: GEMMKernel, transB: Bool, k: Int, n: Int, b: UnsafePointer<Float>, ldb: Int,
                             parallel: Bool) -> (kernel: GEMMKernel, width: Int, count: Int, storage: UnsafeMutablePointer<Float>) {
        let width = kernel == .openBLAS ? 0 : Int(ck_sgemm_panel_width(kernel.level))
        let size = width > 0 ? Int(ck_sgemm_packed_size(kernel.level, k, n)) : -1
        let used: GEMMKernel = width > 0 && size >= 0 ? kernel : .openBLAS
        let w = used == .openBLAS ? 1 : width
        let count = used == .openBLAS ? k * n : size
        let storage = UnsafeMutableRawPointer.allocate(byteCount: max(count, 16) * MemoryLayout<Float>.stride, alignment: 64)
            .bindMemory(to: Float.self, capacity: max(count, 16))
        if count == 0 { return (used, w, count, storage) }
        let dst = SendablePointer(storage), src = SendablePointer(UnsafeMutablePointer(mutating: b))
        let level = used.level, plain = used == .openBLAS
        let panels = (n + w - 1) / w
        let split = parallel && k * n >= 1 << 16
        Parallel.forRanges(panels, grain: split ? 1 : panels) { range in
            let j0 = range.lowerBound * w, j1 = min(n, range.upperBound * w)
            if plain {
                for j in j0..<j1 {
                    let row = dst.base + j * k
                    if transB {
                        row.update(from: src.base + j * ldb, count: k)
                    } else {
                        for p in 0..<k { row[p] = src.base[p * ldb + j] }
                    }
                }
            } else {
                let rc = ck_sgemm_pack_b(level, transB ? 1 : 0, k, n, j0, j1 - j0, src.base, ldb, dst.base)
                precondition(rc == 0, "PackedMatrix: ck_sgemm_pack_b rejected \(k)×\(n) columns \(j0)..<\(j1)")
            }
        }
        return (used, w, count, storage)
    }

    deinit { storage.deallocate() }

    /// Bytes of the packed storage (memory accounting).
    public var byteCount: Int { count * MemoryLayout<Float>.stride }

    /// Writes column `j` of op(B) (k values; row `j` of an `nn.Linear` weight) to `out`:
    /// embedding lookups from a weight table that is also a product's packed operand.
    public func column(_ j: Int, into out: UnsafeMutablePointer<Float>) {
        precondition(j >= 0 && j < n, "PackedMatrix: column \(j) outside 0..<\(n)")
        if kernel == .openBLAS {
            out.update(from: storage + j * k, count: k)
            return
        }
        let rc = ck_sgemm_packed_column(kernel.level, k, n, storage, j, out)
        precondition(rc == 0, "PackedMatrix: ck_sgemm_packed_column rejected column \(j) of \(k)×\(n)")
    }
}
