/* The reading loop shared by decode, scan and explain (see input.h). */
#include "input.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
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
#define NPIPE 4 /* batches in flight between the two threads */

const char vg_input_opts_help[] =
	"  -f, --format FMT   envelope: auto (default), syslog, web, json, kv\n"
	"      --tz ZONE      zone of stamps that carry none (default: the\n"
	"                     machine's), e.g. Europe/Paris\n"
	"      --max-line N   longest record in bytes (default 65536); a\n"
	"                     longer one is cut there and counted\n"
	"      --threads N    1: read, decode and match in one thread; 2\n"
	"                     (the default with two CPUs or more): reading and\n"
	"                     decoding in one, matching and output in another\n";

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

/* Where decoded batches go: straight to the sink, or, with two threads,
 * through a queue to the thread that runs it (batches then own their
 * records: the reader's buffer moves on). The sink sees the batches in
 * order either way. */
struct out {
	vg_sink_fn sink;
	void *arg;
	struct vg_input_totals *t;
	bool piped;
	pthread_t thr;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct vg_batch *q[NPIPE], *spare[NPIPE];
	const char *qpath[NPIPE];
	unsigned qhead, qn, nspare;
	bool done;
	int rc; /* the sink's first nonzero answer */
};

static void *sink_main(void *arg)
{
	struct out *o = arg;

	pthread_mutex_lock(&o->mu);
	for (;;) {
		while (o->qn == 0 && !o->done)
			pthread_cond_wait(&o->cv, &o->mu);
		if (o->qn == 0)
			break;
		struct vg_batch *b = o->q[o->qhead];
		const char *path = o->qpath[o->qhead];
		o->qhead = (o->qhead + 1) % NPIPE;
		o->qn--;
		int stop = o->rc;
		pthread_mutex_unlock(&o->mu);
		int rc = stop ? stop : o->sink(b, path, o->arg);
		vg_batch_reset(b);
		pthread_mutex_lock(&o->mu);
		if (rc != 0 && o->rc == 0)
			o->rc = rc;
		o->spare[o->nspare++] = b;
		pthread_cond_broadcast(&o->cv);
	}
	pthread_mutex_unlock(&o->mu);
	return NULL;
}

/* Hands *b on (replacing it by an empty batch); the sink's answer so far. */
static int flush(struct out *o, struct vg_batch **b, const char *path)
{
	int rc;

	o->t->fields_dropped += (*b)->fields_dropped;
	(*b)->fields_dropped = 0;
	if (!o->piped) {
		rc = o->sink(*b, path, o->arg);
		vg_batch_reset(*b);
		return rc;
	}
	pthread_mutex_lock(&o->mu);
	o->q[(o->qhead + o->qn) % NPIPE] = *b;
	o->qpath[(o->qhead + o->qn) % NPIPE] = path;
	o->qn++;
	pthread_cond_broadcast(&o->cv);
	while (o->nspare == 0)
		pthread_cond_wait(&o->cv, &o->mu);
	*b = o->spare[--o->nspare];
	rc = o->rc;
	pthread_mutex_unlock(&o->mu);
	return rc;
}

static unsigned cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return 1;
	return (unsigned)CPU_COUNT(&set);
}

/* Decodes rec into *b, handing the batch on first when it is full. With
 * copy, the record is copied into the batch's arena (gathered records
 * live in a buffer reused for the next one; and a batch handed to the
 * other thread outlives the reader's buffer). */
static int decode_one(struct vg_decode_ctx *dc, struct vg_batch **b,
		      struct vg_record *rec, bool copy, struct out *o,
		      const char *path)
{
	copy |= o->piped;
	for (int attempt = 0; attempt < 2; attempt++) {
		struct vg_record r = *rec;
		if (copy) {
			char *p = vg_arena_dup((*b)->arena, rec->p, rec->len);
			if (p == NULL)
				goto full;
			r.p = p;
		}
		if (vg_decode(dc, *b, &r) != NULL)
			return 0;
full:
		if (attempt == 0 && (*b)->n > 0) {
			int rc = flush(o, b, path);
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
	struct out out = {.sink = sink, .arg = arg, .t = t};

	vg_decode_init();
	out.piped = o->threads == 2 || (o->threads == 0 && cpus() > 1);
	if (out.piped) {
		pthread_mutex_init(&out.mu, NULL);
		pthread_cond_init(&out.cv, NULL);
		for (unsigned i = 0; i < NPIPE - 1; i++)
			out.spare[out.nspare++] = vg_batch_new(BATCH);
		if (pthread_create(&out.thr, NULL, sink_main, &out) != 0) {
			while (out.nspare > 0)
				vg_batch_free(out.spare[--out.nspare]);
			out.piped = false;
		}
	}
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
					rc = decode_one(&dc, &b, &jr, true, &out,
							l.f[i].path);
					continue;
				}
				rc = decode_one(&dc, &b, &recs[j], false, &out,
						l.f[i].path);
			}
			if (rc == 0 && b->n > 0)
				rc = flush(&out, &b, l.f[i].path);
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
			rc = decode_one(&dc, &b, &jr, true, &out, l.f[i].path);
			if (rc == 0 && b->n > 0)
				rc = flush(&out, &b, l.f[i].path);
		}
		pg.done_before += vg_reader_size(r);
		vg_reader_close(r);
	}
	if (out.piped) { /* the sink finishes what was handed on */
		pthread_mutex_lock(&out.mu);
		out.done = true;
		pthread_cond_broadcast(&out.cv);
		pthread_mutex_unlock(&out.mu);
		pthread_join(out.thr, NULL);
		if (rc == 0)
			rc = out.rc;
		while (out.nspare > 0)
			vg_batch_free(out.spare[--out.nspare]);
		pthread_mutex_destroy(&out.mu);
		pthread_cond_destroy(&out.cv);
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
	    strcmp(a, "--tz") == 0 || strcmp(a, "--max-line") == 0 ||
	    strcmp(a, "--threads") == 0) {
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
	} else if (strncmp(a, "--threads=", 10) == 0) {
		a = "--threads", v = argv[*i] + 10;
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
	} else if (strcmp(a, "--threads") == 0) {
		if (strcmp(v, "1") != 0 && strcmp(v, "2") != 0) {
			fprintf(stderr, "vigie: --threads is 1 or 2, not '%s'\n",
				v);
			return -1;
		}
		o->threads = v[0] - '0';
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
