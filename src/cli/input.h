/* What the reading commands share: their common options, the list of
 * inputs, and the loop read → frame → decode → hand a batch to a sink. */
#ifndef VG_CLI_INPUT_H
#define VG_CLI_INPUT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../decode/decode.h"

struct vg_input_opts {
	enum vg_format format;
	size_t maxline;
	bool progress; /* allowed (still only on a terminal, large input) */
	int threads;   /* 1, 2, or 0: 2 when two CPUs or more are ours */
};

struct vg_input_totals {
	uint64_t inputs, skipped, errors;
	uint64_t records, bytes, blank, oversize;
	uint64_t fields_dropped;
};

/* Receives each decoded batch, with the path it came from. Returns 0 to
 * go on, nonzero to stop. */
typedef int (*vg_sink_fn)(struct vg_batch *b, const char *path, void *arg);

/* Reads every file under paths[0..n) ("-" is standard input) and hands
 * each batch to sink. Files found by walking a directory are skipped
 * when they look binary. Errors are printed to stderr and counted in
 * t->errors; reading goes on with the next input. Returns 0, or the
 * sink's nonzero value. */
int vg_input_run(char *const *paths, size_t n, const struct vg_input_opts *o,
		 vg_sink_fn sink, void *arg, struct vg_input_totals *t);

/* Parses the options every reading command takes. Returns 1 if argv[*i]
 * was one (advancing *i past its value), 0 if not, -1 on a bad value
 * (message printed). */
int vg_input_opt(int argc, char **argv, int *i, struct vg_input_opts *o);

/* Help text for those options. */
extern const char vg_input_opts_help[];

#endif
