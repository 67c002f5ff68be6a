import Foundation
import Model

/// `lisakit-bench sgemm [--rounds 3] SHAPE...` with SHAPE = `MxNxK` or `MxNxK:t` (B stored n×k,
/// the `nn.Linear` weight layout, as every projection of the MiniLM encoder runs).
///
/// Times `GEMM.sgemm` (split over `LISAKIT_THREADS` workers) with every kernel this CPU can run
/// — ours at each SIMD level and OpenBLAS with the CPU kernel it picked — and prints one JSON
/// object: the kernel `GEMM.sgemm` uses by default, OpenBLAS's core name, and GFLOP/s per shape
/// and kernel (best of --rounds, each round repeating the product for ≥ 0.1 GFLOP). For our
/// kernels `<kernel>_packed_b` is the same product with B prepacked (`PackedMatrix`, packing
/// not timed), as the model weights and attention heads run.
enum SGEMMBench {
    static func run(_ args: [String]) throws {
        var rounds = 3
        var shapes: [(m: Int, n: Int, k: Int, transB: Bool, label: String)] = []
        var i = 0
        while i < args.count {
            let arg = args[i]
            if arg == "--rounds" {
                i += 1
                guard i < args.count, let r = Int(args[i]), r > 0 else { throw BenchError("--rounds needs a positive integer") }
                rounds = r
            } else {
                let parts = arg.split(separator: ":")
                let dims = parts.first.map { $0.split(separator: "x").compactMap { Int($0) } } ?? []
                guard dims.count == 3, dims.allSatisfy({ $0 > 0 }), parts.count <= 2, parts.count == 1 || parts[1] == "t" else {
                    throw BenchError("shape '\(arg)' is not MxNxK or MxNxK:t")
                }
                shapes.append((dims[0], dims[1], dims[2], parts.count == 2, arg))
            }
            i += 1
        }
        guard !shapes.isEmpty else { throw BenchError("usage: lisakit-bench sgemm [--rounds N] MxNxK[:t]...") }

        var results: [[String: Any]] = []
        for s in shapes {
            let a = (0..<(s.m * s.k)).map { Float(($0 * 7) % 13) / 13 - 0.5 }
            let b = (0..<(s.k * s.n)).map { Float(($0 * 5) % 11) / 11 - 0.5 }
            var c = [Float](repeating: 0, count: s.m * s.n)
            let flops = 2 * Double(s.m) * Double(s.n) * Double(s.k)
            let repeats = max(1, Int(1e8 / flops))
            var row: [String: Any] = ["shape": s.label, "m": s.m, "n": s.n, "k": s.k, "trans_b": s.transB]
            for kernel in GEMMKernel.available {
                var bestTime = Double.infinity
                c.withUnsafeMutableBufferPointer { cp in
                    for _ in 0...rounds {  // the first pass warms caches and buffers
                        let start = DispatchTime.now().uptimeNanoseconds
                        for _ in 0..<repeats {
                            GEMM.sgemm(kernel: kernel, transB: s.transB, m: s.m, n: s.n, k: s.k, a: a, lda: s.k,
                                       b: b, ldb: s.transB ? s.k : s.n, c: cp.baseAddress!, ldc: s.n)
                        }
                        let t = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(repeats)
                        bestTime = min(bestTime, t)
                    }
                }
                row[key(kernel)] = flops / bestTime / 1e9
                if kernel == .openBLAS { continue }
                // The same product with B packed once beforehand (PackedMatrix: weights, attention heads).
                let packed = b.withUnsafeBufferPointer { bp in
                    PackedMatrix(kernel: kernel, transB: s.transB, k: s.k, n: s.n, b: bp.baseAddress!, ldb: s.transB ? s.k : s.n)
                }
                bestTime = .infinity
                c.withUnsafeMutableBufferPointer { cp in
                    for _ in 0...rounds {
                        let start = DispatchTime.now().uptimeNanoseconds
                        for _ in 0..<repeats {
                            GEMM.sgemm(m: s.m, a: a, lda: s.k, b: packed, c: cp.baseAddress!, ldc: s.n)
                        }
                        let t = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(repeats)
                        bestTime = min(bestTime, t)
                    }
                }
                row[key(kernel) + "_packed_b"] = flops / bestTime / 1e9
            }
            results.append(row)
        }
        let report: [String: Any] = [
            "default_kernel": GEMMKernel.current.description, "default_key": key(GEMMKernel.current),
            "blas_core": BLASInfo.coreName, "workers": Parallel.coreCount, "results": results,
            "kernels": GEMMKernel.available.map { [key($0), $0.description] },
        ]
        let json = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }

    static func key(_ kernel: GEMMKernel) -> String {
        switch kernel {
        case .openBLAS: "openblas"
        case .avx2: "lisakit_avx2"
        case .avx512: "lisakit_avx512"
        }
    }
}
