// LisaKit CKernels: the few innermost SIMD loops that Swift cannot compile for a wider
// instruction set than the x86-64 baseline without making the whole binary require it.
// Each kernel is built for AVX2+FMA or AVX-512 with __attribute__((target)) and chosen at
// run time from what the CPU reports, so one binary runs everywhere and fast where it can.
#ifndef LISAKIT_CK_CPU_H
#define LISAKIT_CK_CPU_H

#ifdef __cplusplus
extern "C" {
#endif

/// The widest SIMD level this process may use: 0 = baseline (portable C / caller's fallback),
/// 1 = AVX2 + FMA + F16C, 2 = AVX-512 F/BW/VL/DQ. `LISAKIT_SIMD=baseline|avx2|avx512` in the
/// environment lowers (never raises) the level, so tests can cover every path on one machine.
int ck_simd_level(void);

/// The widest level this CPU runs, ignoring `LISAKIT_SIMD` (tests and benchmarks use it to
/// cover every level in one process; kernels run at `ck_simd_level()`).
int ck_cpu_level(void);

/// The ceiling `LISAKIT_SIMD` sets (0 baseline, 1 avx2, 2 avx512; 2 when unset or unknown), for
/// kernels that dispatch on other CPU features (SHA-NI) but must honour the same switch.
int ck_simd_cap(void);

/// The level a kernel asked for `level` runs at: `level` itself when this process may use it,
/// else the widest it may (`ck_simd_level()`); a negative `level` asks for the widest. Tests
/// pass each level in turn, callers -1.
int ck_simd_lowered(int level);

#ifdef __cplusplus
}
#endif
#endif
