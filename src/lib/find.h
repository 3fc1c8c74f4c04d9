/* Substring search for short needles in log-sized text: the place of the
 * first occurrence of needle in hay. */
#ifndef VG_FIND_H
#define VG_FIND_H
#include <stddef.h>

/* Returns the offset of the first needle[0..nn) in hay[0..n), or
 * (size_t)-1; an empty needle is found at 0. Candidates are the places
 * where the needle's first and last bytes both sit, 16 at a time; only
 * those are compared. */
size_t vg_find(const char *hay, size_t n, const char *needle, size_t nn);

#endif
