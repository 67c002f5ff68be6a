#include "ck_cpu.h"
#include <stdlib.h>
#include <string.h>

static int detect(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    int level = 0;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c")) level = 1;
    if (level == 1 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")) level = 2;
    const char *cap = getenv("LISAKIT_SIMD");
    if (cap) {
        int limit = level;
        if (strcmp(cap, "baseline") == 0) limit = 0;
        else if (strcmp(cap, "avx2") == 0) limit = 1;
        else if (strcmp(cap, "avx512") == 0) limit = 2;
        if (limit < level) level = limit;
    }
    return level;
#else
    return 0;
#endif
}

int ck_simd_level(void) {
    static int cached = -1;
    int value = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (value < 0) {
        value = detect();
        __atomic_store_n(&cached, value, __ATOMIC_RELAXED);
    }
    return value;
}
