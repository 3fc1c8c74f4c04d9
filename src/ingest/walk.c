/* Recursive, sorted directory walk (see walk.h). Symbolic links to
 * directories are not followed, so a loop cannot trap the walk. */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../lib/xmalloc.h"

#define MAXDEPTH 32

struct walk {
	vg_walk_fn fn;
	void (*err_fn)(const char *, const char *, void *);
	void *arg;
	int errors;
};

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int dir(struct walk *w, const char *path, int depth)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (depth > MAXDEPTH) {
		w->err_fn(path, "directory tree too deep", w->arg);
		w->errors++;
		return 0;
	}
	d = opendir(path);
	if (d == NULL) {
		w->err_fn(path, strerror(errno), w->arg);
		w->errors++;
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = xreallocarray(names, cap, sizeof(*names));
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(path) + strlen(names[i]) + 2;
		char *full = xmalloc(len);
		struct stat sb;

		snprintf(full, len, "%s/%s", path, names[i]);
		if (rc == 0 && lstat(full, &sb) == 0) {
			if (S_ISDIR(sb.st_mode))
				rc = dir(w, full, depth + 1);
			else if (S_ISREG(sb.st_mode))
				rc = w->fn(full, false, w->arg);
		}
		free(full);
		free(names[i]);
	}
	free(names);
	return rc;
}

int vg_walk(char *const *paths, size_t n, vg_walk_fn fn,
	    void (*err_fn)(const char *path, const char *why, void *arg),
	    void *arg)
{
	struct walk w = {fn, err_fn, arg, 0};
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		struct stat sb;

		if (strcmp(paths[i], "-") == 0) {
			rc = fn(paths[i], true, arg);
			continue;
		}
		if (stat(paths[i], &sb) != 0) {
			err_fn(paths[i], strerror(errno), arg);
			w.errors++;
			continue;
		}
		if (S_ISDIR(sb.st_mode))
			rc = dir(&w, paths[i], 0);
		else
			rc = fn(paths[i], true, arg);
	}
	return rc != 0 ? rc : w.errors;
}
