#include "ck_cpu.h"
#include <stdlib.h>
#include <string.h>

int ck_simd_cap(void) {
    const char *cap = getenv("LISAKIT_SIMD");
    if (cap == NULL) return 2;
    if (strcmp(cap, "baseline") == 0) return 0;
    if (strcmp(cap, "avx2") == 0) return 1;
    return 2;
}

/// The widest level the CPU runs: 1 needs AVX2 + FMA + F16C, 2 adds AVX-512 F/BW/VL/DQ.
static int detect(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    int level = 0;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c")) level = 1;
    if (level == 1 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")) level = 2;
    return level;
#else
    return 0;
#endif
}

int ck_cpu_level(void) {
    static int cached = -1;
    int value = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (value < 0) {
        value = detect();
        __atomic_store_n(&cached, value, __ATOMIC_RELAXED);
    }
    return value;
}

int ck_simd_level(void) {
    static int cached = -1;  // read once: every kernel call asks, getenv must not sit in hot loops
    int value = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (value < 0) {
        int level = ck_cpu_level(), cap = ck_simd_cap();
        value = cap < level ? cap : level;
        __atomic_store_n(&cached, value, __ATOMIC_RELAXED);
    }
    return value;
}

int ck_simd_lowered(int level) {
    int top = ck_simd_level();
    return (level < 0 || level > top) ? top : level;
}
