// cblas from libopenblas-dev (Debian installs it as /usr/include/<triplet>/cblas.h).
#include <cblas.h>
