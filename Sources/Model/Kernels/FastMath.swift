/// Branch-free float approximations that the compiler can vectorize inside loops
/// (libm's `expf`/`erff` are opaque calls that keep loops scalar).
@usableFromInline
enum FastMath {
    /// e^x with relative error ≈ 2e-7 over the float range; exactly 0 below -87.3 (so -∞ gives 0),
    /// saturates at 88.3.
    @inline(__always) @usableFromInline
    static func exp(_ x: Float) -> Float {
        let clamped = Swift.min(Swift.max(x, -87.3), 88.3)
        // Round to nearest by adding 1.5·2²³: the sum's low mantissa bits hold n as an integer.
        // (No rintf call and no trapping Float→Int conversion, so loops stay vectorizable.)
        let shifted = clamped * 1.44269504088896341 + 12582912
        let n = shifted - 12582912
        // Cody–Waite reduction: r = x - n·ln2 in two parts.
        var r = clamped - n * 0.693359375
        r = r - n * -2.12194440e-4
        // Degree-6 polynomial for e^r on [-ln2/2, ln2/2].
        var p: Float = 1.9875691500e-4
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        p = p * r * r + r + 1
        let scale = Float(bitPattern: (shifted.bitPattern &- 0x4B40_0000 &+ 127) << 23)
        return x < -87.3 ? 0 : p * scale
    }

    /// erf(x) as a rational function of x on [-4, 4] (beyond, erf is ±1 in float);
    /// absolute error below 1e-7. Coefficients from the minimax fit used by Eigen/XLA.
    @inline(__always) @usableFromInline
    static func erf(_ x: Float) -> Float {
        let c = Swift.min(Swift.max(x, -4), 4)
        let x2 = c * c
        var p: Float = -2.72614225801306e-10
        p = p * x2 + 2.77068142495902e-08
        p = p * x2 + -2.10102402082508e-06
        p = p * x2 + -5.69250639462346e-05
        p = p * x2 + -7.34990630326855e-04
        p = p * x2 + -2.95459980854025e-03
        p = p * x2 + -1.60960333262415e-02
        p = p * c
        var q: Float = -1.45660718464996e-05
        q = q * x2 + -2.13374055278905e-04
        q = q * x2 + -1.68282697438203e-03
        q = q * x2 + -7.37332916720468e-03
        q = q * x2 + -1.42647390514189e-02
        return p / q
    }

    /// tanh(x) via e^(2x); exact enough for GELU-tanh (error ≈ 3e-7).
    @inline(__always) @usableFromInline
    static func tanh(_ x: Float) -> Float {
        let c = Swift.min(Swift.max(x, -9), 9)
        let e = exp(2 * c)
        return (e - 1) / (e + 1)
    }
}
