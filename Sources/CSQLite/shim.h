#include <sqlite3.h>

/* Turns off SQLite's memory statistics, process-wide, before the library is first used. With them on (the
   default), every allocation SQLite makes takes a global mutex to count it; Retention never reads them.
   sqlite3_config is variadic, which Swift cannot call, hence this wrapper. Returns SQLITE_MISUSE, harmlessly,
   if SQLite is already initialised. */
static inline int retention_sqlite3_disable_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
