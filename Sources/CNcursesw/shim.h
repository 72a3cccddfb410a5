#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <langinfo.h>
#include <ncursesw/curses.h>

/* curses keeps these in global variables; functions let Swift 6 read them without shared mutable state. */
static inline WINDOW *retention_stdscr(void) { return stdscr; }
static inline int retention_colors(void) { return COLORS; }
static inline int retention_color_pairs(void) { return COLOR_PAIRS; }
