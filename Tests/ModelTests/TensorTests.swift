import Testing
@testable import Model

@Suite("Tensor")
struct TensorTests {
    let base = Tensor(shape: [2, 3, 4], data: (0..<24).map(Float.init))

    @Test func indexingIsRowMajor() {
        #expect(base[1, 2, 3] == 23)
        #expect(base[0, 1, 2] == 6)
        #expect(base.strides == [12, 4, 1])
    }

    @Test func transposeIsAViewAndMaterializesCorrectly() {
        let t = base.transposed(1, 2)
        #expect(t.shape == [2, 4, 3])
        #expect(!t.isContiguous)
        #expect(t[1, 3, 2] == base[1, 2, 3])
        let c = t.contiguous()
        #expect(c.isContiguous)
        #expect(c.scalars[0..<6] == [0, 4, 8, 1, 5, 9])
    }

    @Test func sliceAndPermute() {
        let s = base.sliced(dim: 1, 1..<3)
        #expect(s.shape == [2, 2, 4])
        #expect(s[0, 0, 0] == 4)
        #expect(s.scalars == [4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23])
        let p = base.permuted([2, 0, 1])
        #expect(p.shape == [4, 2, 3])
        #expect(p[3, 1, 2] == base[1, 2, 3])
    }

    @Test func reshapeInfersDimension() {
        let r = base.reshaped([6, -1])
        #expect(r.shape == [6, 4])
        #expect(r[5, 3] == 23)
        // Reshaping a non-contiguous view copies in logical order.
        let rt = base.transposed(0, 2).reshaped([-1])
        #expect(rt.scalars[0..<3] == [0, 12, 4])
    }

    @Test func copyOnWrite() {
        let a = Tensor(shape: [3], data: [1, 2, 3])
        var b = a
        b.withUnsafeMutableFloats { $0[0] = 10 }
        #expect(a.scalars == [1, 2, 3])
        #expect(b.scalars == [10, 2, 3])
        // Writing through a view's copy leaves the parent alone.
        var v = base.sliced(dim: 0, 1..<2)
        v.withUnsafeMutableFloats { $0[0] = -1 }
        #expect(v[0, 0, 0] == -1)
        #expect(base[1, 0, 0] == 12)
    }

    @Test func halfStorageRoundTrips() {
        let values: [Float] = [0, 1, -2.5, 0.1, 65504, 1e-3, -7.25e-5, 3.140625]
        let t = Tensor(shape: [8], data: values)
        let h = t.converted(to: .f16)
        #expect(h.dtype == .f16)
        let back = h.contiguous().scalars
        for (a, b) in zip(values, back) { #expect(abs(a - b) <= abs(a) * 1e-3 + 1e-7) }
        let bf = t.converted(to: .bf16)
        #expect(bf.dtype == .bf16)
        for (a, b) in zip(values, bf.contiguous().scalars) { #expect(abs(a - b) <= abs(a) * 8e-3) }
        // Exact cases: bf16 of a value with ≤ 8 significant bits is exact.
        #expect(HalfConversion.float(bf16: HalfConversion.bf16(3.140625)) == 3.140625)
        #expect(HalfConversion.bf16(1.00390625) == 0x3F80)  // tie rounds to even (down)
        #expect(HalfConversion.bf16(1.01171875) == 0x3F82)  // tie rounds to even (up)
        #expect(HalfConversion.float(bf16: HalfConversion.bf16(.nan)).isNaN)
    }

    @Test func halfTensorsWorkInKernels() {
        let w = Tensor(shape: [2, 3], data: [1, 2, 3, -1, 0.5, 0.25]).converted(to: .bf16)
        let x = Tensor(shape: [1, 3], data: [1, 1, 1])
        #expect(GEMM.linear(x, weight: w).scalars == [6, -0.25])
    }
}

@Suite("Empty operands")
struct EmptyOperandTests {
    @Test func emptyInnerDimensionGivesZerosOrBias() {
        let a = Tensor(zeros: [2, 0]), b = Tensor(zeros: [0, 3])
        #expect(GEMM.matmul(a, b).scalars == [0, 0, 0, 0, 0, 0])
        let y = GEMM.linear(Tensor(zeros: [2, 0]), weight: Tensor(zeros: [3, 0]), bias: Tensor(shape: [3], data: [1, 2, 3]))
        #expect(y.shape == [2, 3] && y.scalars == [1, 2, 3, 1, 2, 3])
        #expect(GEMM.linear(Tensor(zeros: [0, 4]), weight: Tensor(zeros: [3, 4])).shape == [0, 3])
    }
}
