#include <sqlite3.h>

#ifdef __linux__
/* syncfs(2) flushes every file of one file system in a single call (the dispatcher makes a batch of
   message files durable with it). <unistd.h> declares it only under _GNU_SOURCE, which Swift's Glibc
   module does not set, so it is declared here. */
extern int syncfs(int fd);
#endif
