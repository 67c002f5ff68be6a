#ifndef LISAKIT_CFILEIO_H
#define LISAKIT_CFILEIO_H

#include <stdint.h>

/// Starts writing a range of a file's dirty pages to disk without waiting for it (Linux:
/// sync_file_range with SYNC_FILE_RANGE_WRITE, which Swift's Glibc module does not expose).
/// A hint: the data is durable only after fsync, which then has little left to wait for.
/// Returns 0 or an errno value; does nothing (0) where the call does not exist.
int lk_start_writeback(int fd, int64_t offset, int64_t length);

#endif
