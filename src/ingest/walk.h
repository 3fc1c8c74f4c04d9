/* Expanding the paths a user names into the files to read: a directory
 * is walked recursively in name order; "-" is standard input. */
#ifndef VG_WALK_H
#define VG_WALK_H
#include <stdbool.h>
#include <stddef.h>

/* Called for each file; named is true for a path given as such (not
 * found by walking a directory). Return nonzero to stop the walk. */
typedef int (*vg_walk_fn)(const char *path, bool named, void *arg);

/* Walks paths[0..n). Errors (missing path, unreadable directory) are
 * reported through err_fn and the walk goes on. Returns the number of
 * errors, or the callback's nonzero value if it stopped the walk. */
int vg_walk(char *const *paths, size_t n, vg_walk_fn fn,
	    void (*err_fn)(const char *path, const char *why, void *arg),
	    void *arg);

#endif
