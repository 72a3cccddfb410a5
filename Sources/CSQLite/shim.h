#include <sqlite3.h>

/* Turns off SQLite's memory statistics, process-wide, before the library is first used. With them on (the
   default), every allocation SQLite makes takes a global mutex to count it; Retention never reads them.
   sqlite3_config is variadic, which Swift cannot call, hence this wrapper. Returns SQLITE_MISUSE, harmlessly,
   if SQLite is already initialised. */
static inline int retention_sqlite3_disable_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

#ifdef __linux__
/* syncfs(2) flushes every file of one file system in a single call (the dispatcher makes a batch of
   message files durable with it). <unistd.h> declares it only under _GNU_SOURCE, which Swift's Glibc
   module does not set, so it is declared here. */
extern int syncfs(int fd);
#endif
