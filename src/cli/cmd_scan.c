/* vigie scan: read logs and summarise them: records, decoded and by
 * which decoder, undecoded by program, cut records, time span. */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/buf.h"
#include "../lib/escape.h"
#include "../lib/intern.h"
#include "../lib/vtime.h"
#include "../lib/xmalloc.h"
#include "cmds.h"
#include "input.h"

static const char usage[] =
	"usage: vigie scan [OPTIONS] [PATH...]\n"
	"Reads the files (plain or gzip), directories (recursively) or\n"
	"standard input ('-') and prints a summary. With no PATH, reads the\n"
	"machine's logs: /var/log/auth.log*, syslog*, secure*, messages*,\n"
	"and the nginx, apache2 and httpd folders.\n\n"
	"  --json             print the summary as one JSON object\n"
	"%s";

#define PROGS 1024
#define PROGLEN 64

struct scan {
	uint64_t per_dec[VG_DEC__N];
	uint64_t undecoded, notime, truncated, events;
	int64_t tmin, tmax;
	struct {
		char name[PROGLEN];
		uint64_t n;
	} prog[PROGS];
	uint64_t prog_other;
};

static void count_prog(struct scan *s, const char *p, size_t n)
{
	uint32_t h = 2166136261u;

	if (n >= PROGLEN)
		n = PROGLEN - 1;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 16777619u;
	for (uint32_t k = 0; k < PROGS; k++) {
		uint32_t i = (h + k) & (PROGS - 1);

		if (s->prog[i].n == 0) {
			memcpy(s->prog[i].name, p, n);
			s->prog[i].name[n] = '\0';
			s->prog[i].n = 1;
			return;
		}
		if (strlen(s->prog[i].name) == n &&
		    memcmp(s->prog[i].name, p, n) == 0) {
			s->prog[i].n++;
			return;
		}
		if (k > 32)
			break;
	}
	s->prog_other++;
}

static int sink(struct vg_batch *b, const char *path, void *arg)
{
	struct scan *s = arg;

	(void)path;
	for (uint32_t i = 0; i < b->n; i++) {
		const struct vg_event *ev = &b->ev[i];

		s->events++;
		s->per_dec[ev->decoder]++;
		if (ev->flags & VG_EV_TRUNCATED)
			s->truncated++;
		if (ev->ts == VG_TS_NONE) {
			s->notime++;
		} else {
			if (ev->ts < s->tmin)
				s->tmin = ev->ts;
			if (ev->ts > s->tmax)
				s->tmax = ev->ts;
		}
		if (ev->flags & VG_EV_UNDECODED) {
			const struct vg_field *f =
				vg_event_get(ev, VG_N_PROCESS_NAME);

			s->undecoded++;
			if (f != NULL)
				count_prog(s, f->p, f->len);
			else
				count_prog(s, ev->decoder == VG_DEC_NONE
						      ? "(unknown format)"
						      : "(no program)",
					   ev->decoder == VG_DEC_NONE ? 16 : 12);
		}
	}
	return 0;
}

static int by_count(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* Indices of the programs, most undecoded first. */
static size_t top_progs(const struct scan *s, uint64_t (*order)[2])
{
	size_t n = 0;

	for (size_t i = 0; i < PROGS; i++)
		if (s->prog[i].n > 0) {
			order[n][0] = s->prog[i].n;
			order[n][1] = i;
			n++;
		}
	qsort(order, n, sizeof(order[0]), by_count);
	return n;
}

static void print_text(const struct scan *s, const struct vg_input_totals *t,
		       double secs)
{
	struct vg_buf o;
	char a[48], b[48];
	static uint64_t order[PROGS][2];
	size_t np;

	vg_buf_init(&o, 1u << 20);
	vg_buf_printf(&o, "inputs      %llu read, %llu skipped (binary), "
			  "%llu unreadable\n",
		      (unsigned long long)t->inputs,
		      (unsigned long long)t->skipped,
		      (unsigned long long)t->errors);
	vg_buf_printf(&o, "records     %llu (%.1f MB) in %.2f s, %.0f "
			  "records/s\n",
		      (unsigned long long)s->events, (double)t->bytes / 1e6,
		      secs, secs > 0 ? (double)s->events / secs : 0.0);
	vg_buf_printf(&o, "decoded     %llu (%.1f%%)\n",
		      (unsigned long long)(s->events - s->undecoded),
		      s->events ? 100.0 * (double)(s->events - s->undecoded) /
					  (double)s->events
				: 0.0);
	for (int d = 1; d < VG_DEC__N; d++)
		if (s->per_dec[d] > 0)
			vg_buf_printf(&o, "  %-14s %llu\n",
				      vg_decoder_name((enum vg_decoder)d),
				      (unsigned long long)s->per_dec[d]);
	vg_buf_printf(&o, "undecoded   %llu\n",
		      (unsigned long long)s->undecoded);
	np = top_progs(s, order);
	for (size_t i = 0; i < np && i < 15; i++) {
		const char *name = s->prog[order[i][1]].name;

		vg_buf_puts(&o, "  ");
		vg_esc_term(&o, name, strlen(name));
		vg_buf_printf(&o, "%*s %llu\n",
			      (int)(16 - (strlen(name) < 16 ? strlen(name) : 16)),
			      "", (unsigned long long)order[i][0]);
	}
	if (np > 15 || s->prog_other > 0)
		vg_buf_printf(&o, "  (%zu more programs)\n",
			      np > 15 ? np - 15 : 0);
	vg_buf_printf(&o, "cut         %llu record(s) longer than the bound\n",
		      (unsigned long long)s->truncated);
	vg_buf_printf(&o, "no stamp    %llu\n", (unsigned long long)s->notime);
	if (s->tmax >= s->tmin) {
		vg_time_fmt(a, s->tmin);
		vg_time_fmt(b, s->tmax);
		vg_buf_printf(&o, "time span   %s .. %s\n", a, b);
	}
	if (t->fields_dropped > 0)
		vg_buf_printf(&o, "fields dropped (bounds) %llu\n",
			      (unsigned long long)t->fields_dropped);
	fwrite(o.p, 1, o.len, stdout);
	vg_buf_free(&o);
}

static void print_json(const struct scan *s, const struct vg_input_totals *t,
		       double secs)
{
	struct vg_buf o;
	char a[48], b[48];
	static uint64_t order[PROGS][2];
	size_t np;

	vg_buf_init(&o, 1u << 22);
	vg_buf_printf(&o,
		      "{\"inputs\":%llu,\"skipped\":%llu,\"errors\":%llu,"
		      "\"records\":%llu,\"bytes\":%llu,\"seconds\":%.3f,"
		      "\"decoded\":%llu,\"undecoded\":%llu,\"cut\":%llu,"
		      "\"no_stamp\":%llu,\"by_decoder\":{",
		      (unsigned long long)t->inputs,
		      (unsigned long long)t->skipped,
		      (unsigned long long)t->errors,
		      (unsigned long long)s->events,
		      (unsigned long long)t->bytes, secs,
		      (unsigned long long)(s->events - s->undecoded),
		      (unsigned long long)s->undecoded,
		      (unsigned long long)s->truncated,
		      (unsigned long long)s->notime);
	int first = 1;
	for (int d = 0; d < VG_DEC__N; d++)
		if (s->per_dec[d] > 0) {
			vg_buf_printf(&o, "%s\"%s\":%llu", first ? "" : ",",
				      vg_decoder_name((enum vg_decoder)d),
				      (unsigned long long)s->per_dec[d]);
			first = 0;
		}
	vg_buf_puts(&o, "},\"undecoded_by_program\":{");
	np = top_progs(s, order);
	for (size_t i = 0; i < np; i++) {
		const char *name = s->prog[order[i][1]].name;

		vg_buf_puts(&o, i ? ",\"" : "\"");
		vg_esc_json(&o, name, strlen(name));
		vg_buf_printf(&o, "\":%llu", (unsigned long long)order[i][0]);
	}
	vg_buf_puts(&o, "}");
	if (s->tmax >= s->tmin) {
		vg_time_fmt(a, s->tmin);
		vg_time_fmt(b, s->tmax);
		vg_buf_printf(&o, ",\"first\":\"%s\",\"last\":\"%s\"", a, b);
	}
	vg_buf_puts(&o, "}\n");
	fwrite(o.p, 1, o.len, stdout);
	vg_buf_free(&o);
}

static size_t default_paths(char ***out)
{
	static const char *const pats[] = {
		"/var/log/auth.log*", "/var/log/syslog*", "/var/log/secure*",
		"/var/log/messages*", "/var/log/nginx",   "/var/log/apache2",
		"/var/log/httpd",
	};
	char **v = NULL;
	size_t n = 0;

	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		glob_t g;

		if (glob(pats[i], 0, NULL, &g) != 0)
			continue;
		for (size_t k = 0; k < g.gl_pathc; k++) {
			v = xreallocarray(v, n + 1, sizeof(*v));
			v[n++] = xstrdup(g.gl_pathv[k]);
		}
		globfree(&g);
	}
	*out = v;
	return n;
}

int cmd_scan(int argc, char **argv)
{
	struct vg_input_opts o = {.progress = true};
	struct vg_input_totals t = {0};
	struct scan *s = xcalloc(1, sizeof(*s));
	char **paths = xcalloc((size_t)argc + 1, sizeof(*paths)), **def = NULL;
	size_t np = 0, nd = 0;
	int json = 0;
	struct timespec t0, t1;

	for (int i = 1; i < argc; i++) {
		int r = vg_input_opt(argc, argv, &i, &o);

		if (r < 0)
			goto usage;
		if (r > 0)
			continue;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf(usage, vg_input_opts_help);
			free(paths);
			free(s);
			return VG_EXIT_OK;
		} else if (strcmp(argv[i], "--json") == 0) {
			json = 1;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "vigie scan: unknown option '%s'\n",
				argv[i]);
			goto usage;
		} else {
			paths[np++] = argv[i];
		}
	}
	if (np == 0) {
		nd = default_paths(&def);
		if (nd == 0) {
			fprintf(stderr, "vigie scan: no logs found under "
					"/var/log; name the files to read\n");
			free(paths);
			free(s);
			return VG_EXIT_INPUT;
		}
	}
	s->tmin = INT64_MAX;
	s->tmax = INT64_MIN;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	vg_input_run(np ? paths : def, np ? np : nd, &o, sink, s, &t);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) +
		      (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (json)
		print_json(s, &t, secs);
	else
		print_text(s, &t, secs);
	for (size_t i = 0; i < nd; i++)
		free(def[i]);
	free(def);
	free(paths);
	free(s);
	return t.errors ? VG_EXIT_INPUT : VG_EXIT_OK;
usage:
	free(paths);
	free(s);
	return VG_EXIT_USAGE;
}
