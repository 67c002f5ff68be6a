import CKernels

extension FastMath {
    /// `exp` of eight lanes at once: the same range reduction and polynomial as the scalar
    /// `FastMath.exp` (relative error ≈ 2e-7; 0 below -87.3), written on SIMD vectors because
    /// the scalar form inside a loop with a running sum stays scalar (no reassociation).
    @inline(__always) @usableFromInline
    static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let lo = SIMD8<Float>(repeating: -87.3), hi = SIMD8<Float>(repeating: 88.3)
        // Masked blends rather than `clamped`/`pointwiseMin`, which stay generic calls.
        var clamped = x.replacing(with: lo, where: x .< lo)
        clamped = clamped.replacing(with: hi, where: clamped .> hi)
        let magic = SIMD8<Float>(repeating: 12582912)
        let shifted = clamped * 1.44269504088896341 + magic
        let n = shifted - magic
        var r = clamped - n * 0.693359375
        r = r - n * -2.12194440e-4
        var p = SIMD8<Float>(repeating: 1.9875691500e-4)
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        p = p * r * r + r + 1
        let bits = unsafeBitCast(shifted, to: SIMD8<UInt32>.self)
        let scaleBits = (bits &- 0x4B40_0000 &+ 127) &<< 23
        let result = p * unsafeBitCast(scaleBits, to: SIMD8<Float>.self)
        return result.replacing(with: 0, where: x .< lo)
    }
}

extension Softmax {
    /// One row in place with the widest kernel this process may use (see `rows(_:rows:cols:level:)`),
    /// `portableRowSIMD` where there is none.
    @inline(__always)
    public static func rowSIMD(_ x: UnsafeMutablePointer<Float>, _ n: Int) {
        if n == 0 || ck_softmax_rows(-1, x, 1, n) > 0 { return }
        portableRowSIMD(x, n)
    }

    /// One row in place, eight lanes at a time (max, exp and sum, scale); the tail is scalar.
    /// Same results as `portableRow` up to float summation order.
    @inline(__always)
    static func portableRowSIMD(_ x: UnsafeMutablePointer<Float>, _ n: Int) {
        if n == 0 { return }
        let chunks = n / 8
        let raw = UnsafeMutableRawPointer(x)
        var mv = SIMD8<Float>(repeating: -.infinity)
        for c in 0..<chunks {
            let v = raw.loadUnaligned(fromByteOffset: c * 32, as: SIMD8<Float>.self)
            mv = mv.replacing(with: v, where: v .> mv)
        }
        var m = mv.max()
        for i in (chunks * 8)..<n { m = Swift.max(m, x[i]) }
        if m == -.infinity {  // fully masked row
            x.update(repeating: 0, count: n)
            return
        }
        let mb = SIMD8<Float>(repeating: m)
        var sv = SIMD8<Float>(repeating: 0)
        for c in 0..<chunks {
            let e = FastMath.exp(raw.loadUnaligned(fromByteOffset: c * 32, as: SIMD8<Float>.self) - mb)
            raw.storeBytes(of: e, toByteOffset: c * 32, as: SIMD8<Float>.self)
            sv += e
        }
        var sum = sv.sum()
        for i in (chunks * 8)..<n {
            let e = FastMath.exp(x[i] - m)
            x[i] = e
            sum += e
        }
        let inv: Float = sum > 0 ? 1 / sum : 0
        let iv = SIMD8<Float>(repeating: inv)
        for c in 0..<chunks {
            let v = raw.loadUnaligned(fromByteOffset: c * 32, as: SIMD8<Float>.self) * iv
            raw.storeBytes(of: v, toByteOffset: c * 32, as: SIMD8<Float>.self)
        }
        for i in (chunks * 8)..<n { x[i] *= inv }
    }
}
