/* The reading loop shared by decode, scan and explain (see input.h). */
#include "input.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../ingest/reader.h"
#include "../ingest/walk.h"
#include "../lib/arena.h"
#include "../lib/buf.h"
#include "../lib/vg_err.h"
#include "../lib/xmalloc.h"

#define BATCH 4096

const char vg_input_opts_help[] =
	"  -f, --format FMT   envelope: auto (default), syslog, web, json, kv\n"
	"      --tz ZONE      zone of stamps that carry none (default: the\n"
	"                     machine's), e.g. Europe/Paris\n"
	"      --max-line N   longest record in bytes (default 65536); a\n"
	"                     longer one is cut there and counted\n";

struct file {
	char *path;
	bool named;
};

struct list {
	struct file *f;
	size_t n, cap;
	uint64_t bytes;
	int errors;
};

static int collect(const char *path, bool named, void *arg)
{
	struct list *l = arg;
	struct stat sb;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->f = xreallocarray(l->f, l->cap, sizeof(*l->f));
	}
	l->f[l->n].path = xstrdup(path);
	l->f[l->n].named = named;
	l->n++;
	if (strcmp(path, "-") != 0 && stat(path, &sb) == 0)
		l->bytes += (uint64_t)sb.st_size;
	return 0;
}

static void walk_err(const char *path, const char *why, void *arg)
{
	struct list *l = arg;

	fprintf(stderr, "vigie: %s: %s\n", path, why);
	l->errors++;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct progress {
	bool on;
	double start, last;
	uint64_t total, done_before;
};

static void progress_draw(struct progress *p, uint64_t pos, uint64_t recs,
			  bool final)
{
	double t = now();
	char bar[31];
	unsigned pct, fill;

	if (!p->on || (!final && t - p->last < 0.1))
		return;
	p->last = t;
	pct = p->total ? (unsigned)((p->done_before + pos) * 100 / p->total)
		       : 0;
	if (pct > 100)
		pct = 100;
	fill = pct * 30 / 100;
	memset(bar, '#', fill);
	memset(bar + fill, '.', 30 - fill);
	bar[30] = '\0';
	fprintf(stderr, "\r[%s] %3u%%  %llu lines  %.0f lines/s ", bar, pct,
		(unsigned long long)recs,
		t > p->start ? (double)recs / (t - p->start) : 0.0);
	if (final)
		fputs("\r\033[K", stderr);
}

/* Pretty-printed JSON (one object over many lines, as Windows event
 * exporters write): a line that is only "{" starts an object, which is
 * gathered, string-aware, until its braces balance, then decoded as one
 * record. Bounded by the record bound times 16. */
struct gather {
	struct vg_buf b;
	int depth;
	bool on, instr, esc;
	uint64_t offset, lineno;
};

static bool only_brace(const struct vg_record *r)
{
	uint32_t i = 0, n = r->len;

	while (i < n && (r->p[i] == ' ' || r->p[i] == '\t'))
		i++;
	if (i >= n || r->p[i] != '{')
		return false;
	for (i++; i < n; i++)
		if (r->p[i] != ' ' && r->p[i] != '\t' && r->p[i] != '\r')
			return false;
	return true;
}

/* Feeds a line; returns true when an object is complete in g->b. */
static bool gather_line(struct gather *g, const struct vg_record *r)
{
	for (uint32_t i = 0; i < r->len; i++) {
		char c = r->p[i];
		if (g->instr) {
			if (g->esc)
				g->esc = false;
			else if (c == '\\')
				g->esc = true;
			else if (c == '"')
				g->instr = false;
		} else if (c == '"') {
			g->instr = true;
		} else if (c == '{' || c == '[') {
			g->depth++;
		} else if (c == '}' || c == ']') {
			g->depth--;
		}
	}
	if (vg_buf_put(&g->b, r->p, r->len) != 0 ||
	    vg_buf_putc(&g->b, '\n') != 0)
		g->depth = 0; /* over the bound: hand on what there is */
	return g->depth <= 0;
}

/* Decodes rec into b, handing b to the sink first when it is full. With
 * copy, the record is copied into the batch's arena (gathered records
 * live in a buffer reused for the next one). */
static int decode_one(struct vg_decode_ctx *dc, struct vg_batch *b,
		      struct vg_record *rec, bool copy, vg_sink_fn sink,
		      void *arg, const char *path)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		struct vg_record r = *rec;
		if (copy) {
			char *p = vg_arena_dup(b->arena, rec->p, rec->len);
			if (p == NULL)
				goto full;
			r.p = p;
		}
		if (vg_decode(dc, b, &r) != NULL)
			return 0;
full:
		if (attempt == 0 && b->n > 0) {
			int rc = sink(b, path, arg);
			vg_batch_reset(b);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

int vg_input_run(char *const *paths, size_t n, const struct vg_input_opts *o,
		 vg_sink_fn sink, void *arg, struct vg_input_totals *t)
{
	struct gather g = {0};
	struct list l = {0};
	struct vg_batch *b = vg_batch_new(BATCH);
	struct vg_record *recs = xcalloc(BATCH, sizeof(*recs));
	struct progress pg = {0};
	char err[512];
	int rc = 0;

	vg_decode_init();
	vg_buf_init(&g.b, 16 * (o->maxline ? o->maxline : VG_MAXLINE_DEFAULT));
	vg_walk(paths, n, collect, walk_err, &l);
	t->errors += (uint64_t)l.errors;
	pg.total = l.bytes;
	pg.on = o->progress && isatty(STDERR_FILENO) && l.bytes > (32u << 20);
	pg.start = pg.last = now();

	for (size_t i = 0; i < l.n && rc == 0; i++) {
		struct vg_reader *r =
			vg_reader_open(l.f[i].path, o->maxline, err, sizeof(err));
		struct vg_decode_ctx dc;
		uint32_t k;

		if (r == NULL) {
			fprintf(stderr, "vigie: %s\n", err);
			t->errors++;
			continue;
		}
		if (!l.f[i].named && vg_reader_looks_binary(r)) {
			t->skipped++;
			vg_reader_close(r);
			continue;
		}
		t->inputs++;
		vg_decode_ctx_init(&dc, vg_reader_mtime(r), o->format);
		for (;;) {
			int e = vg_reader_read(r, recs, BATCH, &k, err,
					       sizeof(err));
			if (e != 0) {
				fprintf(stderr, "vigie: %s\n", err);
				t->errors++;
				break;
			}
			if (k == 0)
				break;
			for (uint32_t j = 0; j < k && rc == 0; j++) {
				if (!g.on && only_brace(&recs[j]) &&
				    o->format != VG_FMT_SYSLOG &&
				    o->format != VG_FMT_WEB) {
					g.on = true;
					g.depth = 0;
					g.instr = g.esc = false;
					g.offset = recs[j].offset;
					g.lineno = recs[j].lineno;
					vg_buf_reset(&g.b);
				}
				if (g.on) {
					if (!gather_line(&g, &recs[j]))
						continue;
					struct vg_record jr = {
						.p = g.b.p,
						.len = (uint32_t)g.b.len,
						.offset = g.offset,
						.lineno = g.lineno};
					g.on = false;
					rc = decode_one(&dc, b, &jr, true, sink,
							arg, l.f[i].path);
					continue;
				}
				rc = decode_one(&dc, b, &recs[j], false, sink,
						arg, l.f[i].path);
			}
			if (rc == 0 && b->n > 0)
				rc = sink(b, l.f[i].path, arg);
			t->fields_dropped += b->fields_dropped;
			b->fields_dropped = 0;
			vg_batch_reset(b);
			if (rc != 0)
				break;
			progress_draw(&pg, vg_reader_pos(r),
				      t->records + vg_reader_stats(r)->records,
				      false);
		}
		const struct vg_reader_stats *st = vg_reader_stats(r);
		t->records += st->records;
		t->bytes += st->bytes;
		t->blank += st->blank;
		t->oversize += st->oversize;
		if (g.on && rc == 0) {
			/* an object left open at the end: decode what came */
			struct vg_record jr = {.p = g.b.p,
					       .len = (uint32_t)g.b.len,
					       .offset = g.offset,
					       .lineno = g.lineno};
			g.on = false;
			rc = decode_one(&dc, b, &jr, true, sink, arg,
					l.f[i].path);
			if (rc == 0 && b->n > 0)
				rc = sink(b, l.f[i].path, arg);
			vg_batch_reset(b);
		}
		pg.done_before += vg_reader_size(r);
		vg_reader_close(r);
	}
	progress_draw(&pg, 0, t->records, true);
	for (size_t i = 0; i < l.n; i++)
		free(l.f[i].path);
	free(l.f);
	free(recs);
	vg_batch_free(b);
	vg_buf_free(&g.b);
	return rc;
}

int vg_input_opt(int argc, char **argv, int *i, struct vg_input_opts *o)
{
	const char *a = argv[*i], *v = NULL;
	char *end;

	if (strcmp(a, "-f") == 0 || strcmp(a, "--format") == 0 ||
	    strcmp(a, "--tz") == 0 || strcmp(a, "--max-line") == 0) {
		if (*i + 1 >= argc) {
			fprintf(stderr, "vigie: %s needs a value\n", a);
			return -1;
		}
		v = argv[++*i];
	} else if (strncmp(a, "--format=", 9) == 0) {
		a = "--format", v = argv[*i] + 9;
	} else if (strncmp(a, "--tz=", 5) == 0) {
		a = "--tz", v = argv[*i] + 5;
	} else if (strncmp(a, "--max-line=", 11) == 0) {
		a = "--max-line", v = argv[*i] + 11;
	} else {
		return 0;
	}
	if (strcmp(a, "-f") == 0 || strcmp(a, "--format") == 0) {
		if (vg_format_parse(v, &o->format) != 0) {
			fprintf(stderr,
				"vigie: unknown format '%s' (auto, syslog, "
				"web, json, kv)\n",
				v);
			return -1;
		}
	} else if (strcmp(a, "--tz") == 0) {
		char zf[512];

		snprintf(zf, sizeof(zf), "/usr/share/zoneinfo/%s", v);
		if (strcmp(v, "UTC") != 0 && access(zf, R_OK) != 0) {
			fprintf(stderr, "vigie: unknown time zone '%s'\n", v);
			return -1;
		}
		setenv("TZ", v, 1);
		tzset();
	} else {
		errno = 0;
		unsigned long long m = strtoull(v, &end, 10);
		if (errno || *end || m < 64 || m > (64u << 20)) {
			fprintf(stderr,
				"vigie: --max-line wants a size from 64 to "
				"67108864 bytes, not '%s'\n",
				v);
			return -1;
		}
		o->maxline = (size_t)m;
	}
	return 1;
}
