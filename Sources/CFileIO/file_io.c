#define _GNU_SOURCE
#include "CFileIO.h"
#include <errno.h>
#include <fcntl.h>

int lk_start_writeback(int fd, int64_t offset, int64_t length) {
#if defined(__linux__) && defined(SYNC_FILE_RANGE_WRITE)
    return sync_file_range(fd, (off64_t)offset, (off64_t)length, SYNC_FILE_RANGE_WRITE) == 0 ? 0 : errno;
#else
    (void)fd;
    (void)offset;
    (void)length;
    return 0;
#endif
}
