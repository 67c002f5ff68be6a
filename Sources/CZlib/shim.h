// zlib from zlib1g-dev: raw inflate for zip entries and crc32 for their checksums.
#include <zlib.h>
