// SHA-256 block compression with the x86 SHA extensions (SHA-NI), chosen at run time.
// Serialization.SHA256 calls it when `ck_sha256_available()` says the CPU has them and keeps
// its portable Swift compression otherwise, so one binary hashes at ~2 GB/s where it can and
// correctly everywhere.
#ifndef LISAKIT_CK_SHA256_H
#define LISAKIT_CK_SHA256_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when this CPU has the SHA extensions (and SSE4.1/SSSE3) and `LISAKIT_SIMD=baseline` is not
/// set in the environment; 0 otherwise (then `ck_sha256_blocks` must not be called).
int ck_sha256_available(void);

/// Runs the SHA-256 compression function over `blocks` consecutive 64-byte blocks at `data`,
/// updating the eight state words `state` (a, b, ... h, host byte order) in place.
/// Only valid when `ck_sha256_available()` returned 1.
void ck_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks);

#ifdef __cplusplus
}
#endif
#endif
