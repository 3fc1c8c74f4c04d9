/* vigie decode: events as JSON lines on standard output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../event/event_json.h"
#include "../lib/buf.h"
#include "../lib/xmalloc.h"
#include "cmds.h"
#include "input.h"

static const char usage[] =
	"usage: vigie decode [OPTIONS] [PATH...]\n"
	"Reads the files (plain or gzip), directories (recursively) or\n"
	"standard input ('-', the default) and prints one JSON object per\n"
	"record: @timestamp (UTC), decoder, logsource, fields.\n\n"
	"  --raw              add the line number and the raw record\n"
	"  --undecoded        print only the records no decoder understood\n"
	"%s";

struct dctx {
	struct vg_buf out;
	unsigned opts;
	int undecoded_only;
	int failed;
};

static int sink(struct vg_batch *b, const char *path, void *arg)
{
	struct dctx *d = arg;

	(void)path;
	for (uint32_t i = 0; i < b->n; i++) {
		const struct vg_event *ev = &b->ev[i];

		if (d->undecoded_only && !(ev->flags & VG_EV_UNDECODED))
			continue;
		if (vg_event_json(&d->out, ev, vg_decoder_name(ev->decoder),
				  d->opts) != 0 ||
		    vg_buf_putc(&d->out, '\n') != 0) {
			/* One event larger than the whole buffer bound:
			 * impossible with the line bound, but never crash. */
			d->out.len = 0;
			continue;
		}
		if (d->out.len > (256u << 10) &&
		    vg_buf_flush(&d->out, STDOUT_FILENO) != 0) {
			d->failed = 1;
			return 1;
		}
	}
	return 0;
}

int cmd_decode(int argc, char **argv)
{
	struct vg_input_opts o = {.progress = false};
	struct vg_input_totals t = {0};
	struct dctx d = {.opts = 0};
	char **paths = xcalloc((size_t)argc + 1, sizeof(*paths));
	size_t np = 0;

	for (int i = 1; i < argc; i++) {
		int r = vg_input_opt(argc, argv, &i, &o);

		if (r < 0) {
			free(paths);
			return VG_EXIT_USAGE;
		}
		if (r > 0)
			continue;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf(usage, vg_input_opts_help);
			free(paths);
			return VG_EXIT_OK;
		} else if (strcmp(argv[i], "--raw") == 0) {
			d.opts |= VG_EJ_RAW;
		} else if (strcmp(argv[i], "--undecoded") == 0) {
			d.undecoded_only = 1;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "vigie decode: unknown option '%s'\n",
				argv[i]);
			free(paths);
			return VG_EXIT_USAGE;
		} else {
			paths[np++] = argv[i];
		}
	}
	if (np == 0)
		paths[np++] = "-";
	vg_buf_init(&d.out, 64u << 20);
	vg_input_run(paths, np, &o, sink, &d, &t);
	if (!d.failed && vg_buf_flush(&d.out, STDOUT_FILENO) != 0)
		d.failed = 1;
	vg_buf_free(&d.out);
	free(paths);
	if (d.failed) {
		fprintf(stderr, "vigie decode: cannot write the output\n");
		return VG_EXIT_OUTPUT;
	}
	if (t.oversize > 0)
		fprintf(stderr,
			"vigie decode: %llu record(s) longer than the bound "
			"were cut\n",
			(unsigned long long)t.oversize);
	return t.errors ? VG_EXIT_INPUT : VG_EXIT_OK;
}
