// An I/O error injected under SQLite, for trust-faults-eio.sh: loaded with LD_PRELOAD, it makes the Nth and
// later write (or fsync) to a file whose path ends with EIO_SUFFIX fail with EIO, as a dying disk would.
//   EIO_SUFFIX  which files (default "-wal": the write-ahead log every transaction writes first)
//   EIO_AFTER   how many such writes succeed first (default 0)
//   EIO_ONCE    if set, only one write fails (a transient error); otherwise every later one does
// Device-mapper's `error`/`flakey` targets would do this below the file system, but they need a kernel with
// device-mapper, which containers often lack; this works anywhere a dynamically linked program runs.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/types.h>

static long seen = 0;
static int fired = 0;

static int targeted(int fd) {
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0) return 0;
    path[n] = 0;
    const char *suffix = getenv("EIO_SUFFIX");
    if (!suffix) suffix = "-wal";
    size_t s = strlen(suffix);
    return (size_t)n >= s && strcmp(path + n - s, suffix) == 0;
}

static int fail_now(int fd) {
    if (!targeted(fd)) return 0;
    const char *after = getenv("EIO_AFTER");
    long limit = after ? atol(after) : 0;
    if (seen++ < limit) return 0;
    if (getenv("EIO_ONCE") && fired) return 0;
    fired = 1;
    errno = EIO;
    return 1;
}

#define NEXT(name) static __typeof__(name) *next_##name; if (!next_##name) next_##name = dlsym(RTLD_NEXT, #name)

ssize_t pwrite64(int fd, const void *buf, size_t count, off_t offset) {
    NEXT(pwrite64);
    if (fail_now(fd)) return -1;
    return next_pwrite64(fd, buf, count, offset);
}
ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset) {
    NEXT(pwrite);
    if (fail_now(fd)) return -1;
    return next_pwrite(fd, buf, count, offset);
}
ssize_t write(int fd, const void *buf, size_t count) {
    NEXT(write);
    if (fd > 2 && fail_now(fd)) return -1;
    return next_write(fd, buf, count);
}
int fsync(int fd) {
    NEXT(fsync);
    if (fail_now(fd)) return -1;
    return next_fsync(fd);
}
int fdatasync(int fd) {
    NEXT(fdatasync);
    if (fail_now(fd)) return -1;
    return next_fdatasync(fd);
}
