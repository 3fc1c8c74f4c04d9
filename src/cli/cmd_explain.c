/* vigie explain: which decoder takes a line, and every field it gives. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../event/event_json.h"
#include "../lib/buf.h"
#include "../lib/escape.h"
#include "../lib/intern.h"
#include "cmds.h"
#include "input.h"

static const char usage[] =
	"usage: vigie explain [OPTIONS] ['LINE'...]\n"
	"Decodes each LINE (or each line of standard input when none is\n"
	"given) and shows the decoder, the logsource, the time and every\n"
	"field. Exit code 1 when a line was not decoded.\n\n"
	"  --json             print the events as JSON lines instead\n"
	"%s";

struct ectx {
	int json;
	int undecoded;
	struct vg_buf out;
};

static void text(struct vg_buf *o, const struct vg_event *ev)
{
	char ts[48];
	static const char *const lsk[3] = {"product", "category", "service"};
	uint16_t lsv[3] = {ev->product, ev->category, ev->service};

	vg_buf_puts(o, "line      ");
	vg_esc_term(o, ev->raw, ev->rawlen);
	vg_buf_printf(o, "\ndecoder   %s%s%s\n", vg_decoder_name(ev->decoder),
		      ev->flags & VG_EV_UNDECODED ? " (message not understood)"
						  : "",
		      ev->flags & VG_EV_TRUNCATED ? " (cut at the bound)" : "");
	vg_buf_puts(o, "logsource");
	for (int i = 0; i < 3; i++)
		if (lsv[i])
			vg_buf_printf(o, " %s=%s", lsk[i],
				      vg_intern_str(lsv[i], NULL));
	vg_buf_puts(o, "\ntime      ");
	if (ev->ts == VG_TS_NONE) {
		vg_buf_puts(o, "(none)\n");
	} else {
		vg_time_fmt(ts, ev->ts);
		vg_buf_printf(o, "%s\n", ts);
	}
	vg_buf_puts(o, "fields\n");
	for (uint32_t i = 0; i < ev->nfields; i++) {
		size_t n;
		const char *name = vg_intern_str(ev->fields[i].id, &n);

		vg_buf_puts(o, "  ");
		vg_esc_term(o, name, n);
		vg_buf_printf(o, "%*s ", (int)(n < 24 ? 24 - n : 0), "");
		if (ev->fields[i].flags & VG_FF_NULL)
			vg_buf_puts(o, "null");
		else
			vg_esc_term(o, ev->fields[i].p, ev->fields[i].len);
		vg_buf_putc(o, '\n');
	}
}

static int sink(struct vg_batch *b, const char *path, void *arg)
{
	struct ectx *e = arg;

	(void)path;
	for (uint32_t i = 0; i < b->n; i++) {
		const struct vg_event *ev = &b->ev[i];

		if (ev->flags & VG_EV_UNDECODED)
			e->undecoded = 1;
		if (e->json) {
			vg_event_json(&e->out, ev, vg_decoder_name(ev->decoder),
				      0);
			vg_buf_putc(&e->out, '\n');
		} else {
			if (e->out.len > 0)
				vg_buf_putc(&e->out, '\n');
			text(&e->out, ev);
		}
		vg_buf_flush(&e->out, STDOUT_FILENO);
	}
	return 0;
}

int cmd_explain(int argc, char **argv)
{
	struct vg_input_opts o = {.progress = false};
	struct ectx e = {0};
	struct vg_decode_ctx dc;
	struct vg_batch *b;
	int nlines = 0, rc = VG_EXIT_OK;

	for (int i = 1; i < argc; i++) {
		int r = vg_input_opt(argc, argv, &i, &o);

		if (r < 0)
			return VG_EXIT_USAGE;
		if (r > 0)
			continue;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf(usage, vg_input_opts_help);
			return VG_EXIT_OK;
		}
		if (strcmp(argv[i], "--json") == 0)
			e.json = 1;
		else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "vigie explain: unknown option '%s'\n",
				argv[i]);
			return VG_EXIT_USAGE;
		} else
			nlines++;
	}
	vg_buf_init(&e.out, 16u << 20);
	if (nlines == 0) {
		struct vg_input_totals t = {0};
		char *in[] = {"-"};

		vg_input_run(in, 1, &o, sink, &e, &t);
		vg_buf_free(&e.out);
		return t.errors ? VG_EXIT_INPUT : e.undecoded ? VG_EXIT_INPUT : 0;
	}
	vg_decode_ctx_init(&dc, (int64_t)time(NULL), o.format);
	b = vg_batch_new(1);
	for (int i = 1; i < argc; i++) {
		struct vg_record rec = {0};
		struct vg_input_opts skip = o;
		int k = i;
		size_t len;

		if (vg_input_opt(argc, argv, &k, &skip) != 0) {
			i = k;
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0')
			continue;
		len = strlen(argv[i]);
		while (len > 0 && (argv[i][len - 1] == '\n' ||
				   argv[i][len - 1] == '\r'))
			len--;
		rec.p = argv[i];
		rec.len = len > (o.maxline ? o.maxline : VG_MAXLINE_DEFAULT)
				  ? (uint32_t)(o.maxline ? o.maxline
							 : VG_MAXLINE_DEFAULT)
				  : (uint32_t)len;
		rec.flags = rec.len < len ? VG_REC_TRUNCATED : 0;
		rec.lineno = 1;
		vg_decode(&dc, b, &rec);
		sink(b, "(argument)", &e);
		vg_batch_reset(b);
	}
	if (e.undecoded)
		rc = VG_EXIT_INPUT;
	vg_batch_free(b);
	vg_buf_free(&e.out);
	return rc;
}
