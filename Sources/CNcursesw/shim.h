#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <langinfo.h>
#include <ncursesw/curses.h>

/* curses keeps these in global variables; functions let Swift 6 read them without shared mutable state. */
static inline WINDOW *retention_stdscr(void) { return stdscr; }
static inline int retention_colors(void) { return COLORS; }
static inline int retention_color_pairs(void) { return COLOR_PAIRS; }

/* A pseudo-terminal for running the dashboard off-screen (the benchmark). These are declared by
   <stdlib.h> only under feature macros Swift's Glibc module does not set, so they are declared here. */
#include <stddef.h>
extern int posix_openpt(int flags);
extern int grantpt(int fd);
extern int unlockpt(int fd);
extern int ptsname_r(int fd, char *buf, size_t buflen);
