import COpenBLAS

/// What OpenBLAS build and kernel are running (benchmarks report it: OPENBLAS_CORETYPE may
/// force an older kernel on some machines).
public enum BLASInfo {
    /// The CPU kernel OpenBLAS selected, e.g. "SkylakeX" or "Haswell".
    public static var coreName: String { openblas_get_corename().map { String(cString: $0) } ?? "unknown" }
    /// The build configuration string.
    public static var config: String { openblas_get_config().map { String(cString: $0) } ?? "unknown" }
    /// Threads OpenBLAS uses for one call.
    public static var threads: Int { Int(openblas_get_num_threads()) }
}
