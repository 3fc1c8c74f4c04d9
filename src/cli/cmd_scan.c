/* vigie scan: read logs and summarise them: records, decoded and by
 * which decoder, undecoded by program, cut records, time span. With
 * Sigma rules (-r), also run them and print each detection: a table on a
 * terminal, JSON lines or CSV; the summary then goes to standard error
 * and adds detections per rule and the rules loaded and refused. */
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
#include "../event/event_json.h"
#include "../run/alert.h"
#include "../run/incident.h"
#include "../store/store.h"
#include "cmds.h"
#include "input.h"
#include "rules.h"

static const char usage[] =
	"usage: vigie scan [OPTIONS] [PATH...]\n"
	"Reads the files (plain or gzip), directories (recursively) or\n"
	"standard input ('-') and prints a summary. With no PATH, reads the\n"
	"machine's logs: /var/log/auth.log*, syslog*, secure*, messages*,\n"
	"and the nginx, apache2 and httpd folders.\n\n"
	"  --json             print the summary (or, with rules, each\n"
	"                     detection) as JSON\n"
	"  --csv              with rules: detections as CSV (cells that a\n"
	"                     spreadsheet would run as formulas are quoted)\n"
	"  --no-summary       with rules: print only the detections\n"
	"  --store DIR        with rules: also record each detection in the\n"
	"                     store in DIR (SQLite) and file it into an\n"
	"                     incident; a detection already recorded (same\n"
	"                     file, offset and rule) is not recorded twice\n"
	"%s%s";

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
	/* rules */
	struct vg_ruleset *rs;
	struct vg_sigma *sg;
	uint64_t *per_rule;
	uint64_t detections;
	int outfmt; /* 0 text, 1 json, 2 csv */
	const char *path;
	struct vg_buf out;
	bool out_err;
	/* --store */
	struct vg_store *store;
	struct vg_incidents *inc;
	bool intx, store_err;
	uint64_t stored, replayed;
	struct vg_buf js;
	/* an interned name's rank in shown[] + 2; 1: not shown; 0: not
	 * worked out yet */
	uint8_t rank[VG_INTERN_MAX + 1];
};

/* Records the detection, and files it into an incident. */
static void store_match(struct scan *s, const struct vg_match *m)
{
	char ent[3][256];
	int64_t id = 0;

	if (s->store_err)
		return;
	if (!s->intx) {
		if (vg_store_begin(s->store) != 0)
			goto fail;
		s->intx = true;
	}
	struct vg_alert a;
	vg_alert_fill(&a, m, s->path, &s->js, ent);
	int rc = vg_store_add_alert(s->store, &a, &id);
	if (rc < 0)
		goto fail;
	if (rc == 1) {
		s->replayed++;
		return;
	}
	s->stored++;
	if (vg_incidents_file(s->inc, s->store, id, &a, m->rule->tags,
			      m->rule->ntags) < 0)
		goto fail;
	return;
fail:
	fprintf(stderr, "vigie scan: the store: %s\n",
		vg_store_error(s->store));
	s->store_err = true;
}

static void store_commit(struct scan *s)
{
	if (s->store == NULL || !s->intx)
		return;
	s->intx = false;
	if (s->store_err) {
		vg_store_rollback(s->store);
		return;
	}
	if (vg_store_commit(s->store) != 0) {
		fprintf(stderr, "vigie scan: the store: %s\n",
			vg_store_error(s->store));
		s->store_err = true;
	}
}

/* Fields worth showing beside a detection, first found first. */
static const char *const shown[] = {
	"source.ip", "c-ip", "IpAddress", "user.name", "TargetUserName",
	"User", "cs-uri", "Image", "CommandLine", "TargetFilename",
	"TargetObject", "QueryName", "ScriptBlockText"};

/* The rank in shown[] of a field name that ends with one of them (after
 * a dot or whole), else -1. */
static int shown_rank(uint16_t id)
{
	size_t nl;
	const char *name = vg_intern_str(id, &nl);

	for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
		size_t sl = strlen(shown[i]);
		if (nl >= sl && memcmp(name + nl - sl, shown[i], sl) == 0 &&
		    (nl == sl || name[nl - sl - 1] == '.'))
			return (int)i;
	}
	return -1;
}

/* Up to three of the event's fields, in shown[]'s order: of each name
 * the first field that has it. A name's rank is worked out once. */
static void put_event_summary(struct scan *s, struct vg_buf *o,
			      const struct vg_match *m)
{
	enum { NSHOWN = sizeof(shown) / sizeof(shown[0]) };
	const struct vg_event *ev = m->ev;
	int32_t first[NSHOWN];
	int n = 0;

	if (m->group != NULL) {
		vg_esc_term(o, m->group, strlen(m->group));
		vg_buf_printf(o, " (%g)", m->value);
		return;
	}
	for (size_t i = 0; i < NSHOWN; i++)
		first[i] = -1;
	for (uint32_t k = 0; k < ev->nfields; k++) {
		uint16_t id = ev->fields[k].id;
		if (s->rank[id] == 0)
			s->rank[id] = (uint8_t)(shown_rank(id) + 2);
		int r = s->rank[id] - 2;
		if (r >= 0 && first[r] < 0)
			first[r] = (int32_t)k;
	}
	for (size_t i = 0; i < NSHOWN && n < 3; i++) {
		if (first[i] < 0)
			continue;
		const struct vg_field *f = &ev->fields[first[i]];
		uint32_t len = f->len;
		vg_buf_puts(o, n ? "  " : "");
		vg_buf_puts(o, shown[i]);
		vg_buf_putc(o, '=');
		vg_esc_term(o, f->p, len > 120 ? 120 : len);
		if (len > 120)
			vg_buf_puts(o, "…");
		n++;
	}
}

static void on_match(const struct vg_match *m, void *arg)
{
	struct scan *s = arg;
	struct vg_buf *o = &s->out;
	const struct vg_rule_info *r = m->rule;
	char ts[48] = "-";
	uint64_t line = m->ev ? m->ev->lineno : 0;

	s->detections++;
	s->per_rule[r->index]++;
	if (s->store != NULL)
		store_match(s, m);
	if (m->ts != VG_TS_NONE)
		vg_time_fmt(ts, m->ts);
	if (s->outfmt == 1) {
		vg_buf_puts(o, "{\"time\":\"");
		vg_buf_puts(o, ts);
		vg_buf_puts(o, "\",\"level\":\"");
		vg_buf_puts(o, vg_level_name(r->level));
		vg_buf_puts(o, "\",\"rule\":\"");
		vg_esc_json(o, r->title, strlen(r->title));
		vg_buf_puts(o, "\",\"rule_id\":");
		if (r->id) {
			vg_buf_putc(o, '"');
			vg_esc_json(o, r->id, strlen(r->id));
			vg_buf_putc(o, '"');
		} else {
			vg_buf_puts(o, "null");
		}
		vg_buf_puts(o, ",\"tags\":[");
		for (uint32_t i = 0; i < r->ntags; i++) {
			vg_buf_puts(o, i ? ",\"" : "\"");
			vg_esc_json(o, r->tags[i], strlen(r->tags[i]));
			vg_buf_putc(o, '"');
		}
		vg_buf_puts(o, "],\"file\":\"");
		vg_esc_json(o, s->path, strlen(s->path));
		vg_buf_puts(o, "\",\"line\":");
		vg_buf_putu(o, (unsigned long long)line);
		if (m->group != NULL) {
			char first[48] = "-";
			if (m->first_ts != VG_TS_NONE)
				vg_time_fmt(first, m->first_ts);
			vg_buf_puts(o, ",\"group\":\"");
			vg_esc_json(o, m->group, strlen(m->group));
			vg_buf_printf(o, "\",\"value\":%g,\"first\":\"%s\"",
				      m->value, first);
		}
		if (m->ev != NULL) {
			vg_buf_puts(o, ",\"event\":");
			vg_event_json(o, m->ev, vg_decoder_name(m->ev->decoder),
				      VG_EJ_RAW);
		}
		vg_buf_puts(o, "}\n");
	} else if (s->outfmt == 2) {
		vg_buf_puts(o, ts);
		vg_buf_putc(o, ',');
		vg_buf_puts(o, vg_level_name(r->level));
		vg_buf_putc(o, ',');
		vg_esc_csv(o, r->id ? r->id : "", strlen(r->id ? r->id : ""));
		vg_buf_putc(o, ',');
		vg_esc_csv(o, r->title, strlen(r->title));
		vg_buf_putc(o, ',');
		vg_esc_csv(o, s->path, strlen(s->path));
		vg_buf_putc(o, ',');
		vg_buf_putu(o, (unsigned long long)line);
		vg_buf_putc(o, ',');
		vg_esc_csv(o, m->group ? m->group : "",
			   m->group ? strlen(m->group) : 0);
		vg_buf_putc(o, ',');
		if (m->ev)
			vg_esc_csv(o, m->ev->raw, m->ev->rawlen);
		vg_buf_putc(o, '\n');
	} else {
		vg_buf_pad(o, ts, 20);
		vg_buf_putc(o, ' ');
		vg_buf_pad(o,
			   r->level == VG_LVL_INFORMATIONAL
				   ? "info"
				   : vg_level_name(r->level),
			   8);
		vg_buf_putc(o, ' ');
		vg_esc_term(o, r->title, strlen(r->title));
		vg_buf_puts(o, "\n    ");
		if (m->ev != NULL || m->group != NULL)
			put_event_summary(s, o, m);
		vg_buf_puts(o, "  @ ");
		vg_esc_term(o, s->path, strlen(s->path));
		vg_buf_putc(o, ':');
		vg_buf_putu(o, (unsigned long long)line);
		vg_buf_putc(o, '\n');
	}
	if (o->len > (1u << 20) && vg_buf_flush(o, 1) != 0)
		s->out_err = true;
}

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

static int sink_events(struct scan *s, struct vg_batch *b);

static int sink(struct vg_batch *b, const char *path, void *arg)
{
	struct scan *s = arg;
	int rc;

	s->path = path;
	rc = sink_events(s, b);
	store_commit(s);
	return rc;
}

static int sink_events(struct scan *s, struct vg_batch *b)
{
	for (uint32_t i = 0; i < b->n; i++) {
		const struct vg_event *ev = &b->ev[i];

		if (s->sg != NULL)
			vg_sigma_eval(s->sg, ev, on_match, s);
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

static int by_count(const void *a, const void *b);

static void rules_text(struct vg_buf *o, const struct scan *s)
{
	const struct vg_sigma_stats *st = vg_sigma_stats(s->sg);
	uint32_t n = vg_rules_count(s->rs), shown_n = 0;
	uint64_t (*order)[2] = xcalloc(n + 1, sizeof(*order));
	size_t k = 0;

	vg_buf_printf(o, "rules       %u loaded, %u refused ('vigie rules "
			 "check' says why)\n",
		      n, vg_rules_nrefused(s->rs));
	vg_buf_printf(o, "detections  %llu by %s rules\n",
		      (unsigned long long)s->detections, "these");
	for (uint32_t i = 0; i < n; i++)
		if (s->per_rule[i]) {
			order[k][0] = s->per_rule[i];
			order[k++][1] = i;
		}
	qsort(order, k, sizeof(order[0]), by_count);
	for (size_t i = 0; i < k && shown_n < 30; i++, shown_n++) {
		const struct vg_rule_info *r = vg_rules_info(s->rs,
							     (uint32_t)order[i][1]);
		vg_buf_printf(o, "  %8llu  ", (unsigned long long)order[i][0]);
		vg_esc_term(o, r->title, strlen(r->title));
		vg_buf_putc(o, '\n');
	}
	if (k > 30)
		vg_buf_printf(o, "  (%zu more rules)\n", k - 30);
	vg_buf_printf(o, "evaluated   %llu rule runs; the prefilter spared "
			 "%llu\n",
		      (unsigned long long)st->evaluated,
		      (unsigned long long)st->prefilter_skipped);
	if (st->corr_groups || st->corr_evicted)
		vg_buf_printf(o, "correlation %llu groups, %llu evicted "
				 "(bounds), %llu expired\n",
			      (unsigned long long)st->corr_groups,
			      (unsigned long long)st->corr_evicted,
			      (unsigned long long)st->corr_expired);
	if (st->regex_errors)
		vg_buf_printf(o, "regex       %llu evaluations hit the match "
				 "limit (counted as no match)\n",
			      (unsigned long long)st->regex_errors);
	free(order);
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
	if (s->rs != NULL)
		rules_text(&o, s);
	fwrite(o.p, 1, o.len, s->rs ? stderr : stdout);
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
	if (s->rs != NULL) {
		const struct vg_sigma_stats *st = vg_sigma_stats(s->sg);
		vg_buf_printf(&o,
			      ",\"rules_loaded\":%u,\"rules_refused\":%u,"
			      "\"prefilter\":\"%s\",\"detections\":%llu,\"evaluated\":%llu,"
			      "\"prefilter_spared\":%llu,\"corr_groups\":%llu,"
			      "\"corr_evicted\":%llu,\"by_rule\":{",
			      vg_rules_count(s->rs), vg_rules_nrefused(s->rs),
			      vg_rules_prefilter_from(s->rs),
			      (unsigned long long)s->detections,
			      (unsigned long long)st->evaluated,
			      (unsigned long long)st->prefilter_skipped,
			      (unsigned long long)st->corr_groups,
			      (unsigned long long)st->corr_evicted);
		int f1 = 1;
		for (uint32_t i = 0; i < vg_rules_count(s->rs); i++) {
			if (!s->per_rule[i])
				continue;
			const struct vg_rule_info *r = vg_rules_info(s->rs, i);
			const char *key = r->id ? r->id : r->title;
			vg_buf_puts(&o, f1 ? "\"" : ",\"");
			vg_esc_json(&o, key, strlen(key));
			vg_buf_printf(&o, "\":%llu",
				      (unsigned long long)s->per_rule[i]);
			f1 = 0;
		}
		vg_buf_puts(&o, "}");
	}
	vg_buf_puts(&o, "}\n");
	fwrite(o.p, 1, o.len, s->rs ? stderr : stdout);
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
	int json = 0, csv = 0, summary = 1;
	struct timespec t0, t1;
	struct vg_rules_opts ro = {0};
	const char *store_dir = NULL;

	for (int i = 1; i < argc; i++) {
		int r = vg_input_opt(argc, argv, &i, &o);

		if (r == 0)
			r = vg_rules_opt(argc, argv, &i, &ro);
		if (r < 0)
			goto usage;
		if (r > 0)
			continue;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf(usage, vg_input_opts_help, vg_rules_opts_help);
			free(paths);
			free(s);
			vg_rules_opts_free(&ro);
			return VG_EXIT_OK;
		} else if (strcmp(argv[i], "--json") == 0) {
			json = 1;
		} else if (strcmp(argv[i], "--csv") == 0) {
			csv = 1;
		} else if (strcmp(argv[i], "--no-summary") == 0) {
			summary = 0;
		} else if (strcmp(argv[i], "--store") == 0 && i + 1 < argc) {
			store_dir = argv[++i];
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
	if (ro.n > 0) {
		s->rs = vg_rules_open(&ro);
		if (s->rs == NULL) {
			free(paths);
			free(s);
			vg_rules_opts_free(&ro);
			return VG_EXIT_INPUT;
		}
		s->sg = vg_sigma_new(s->rs);
		s->per_rule = xcalloc(vg_rules_count(s->rs) + 1,
				      sizeof(uint64_t));
		s->outfmt = json ? 1 : csv ? 2 : 0;
		vg_buf_init(&s->out, 64u << 20);
		if (csv)
			vg_buf_puts(&s->out, "time,level,rule_id,rule,file,line,"
					     "group,record\n");
		if (store_dir != NULL) {
			char err[512];
			s->store = vg_store_open(store_dir, false, err,
						 sizeof(err));
			s->inc = s->store ? vg_incidents_new(
						    (int64_t)3600 * 1000000000,
						    NULL, err, sizeof(err))
					  : NULL;
			if (s->inc == NULL) {
				fprintf(stderr, "vigie scan: %s\n", err);
				vg_store_close(s->store);
				vg_sigma_free(s->sg);
				vg_rules_free(s->rs);
				free(s->per_rule);
				vg_buf_free(&s->out);
				free(paths);
				free(s);
				vg_rules_opts_free(&ro);
				return VG_EXIT_INPUT;
			}
			vg_buf_init(&s->js, 64u << 20);
		}
	} else if (csv || store_dir) {
		fprintf(stderr, "vigie scan: --csv and --store are about "
				"detections; give rules with -r\n");
		goto usage;
	}
	s->tmin = INT64_MAX;
	s->tmax = INT64_MIN;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	vg_input_run(np ? paths : def, np ? np : nd, &o, sink, s, &t);
	if (s->sg != NULL) {
		vg_sigma_flush(s->sg, on_match, s);
		store_commit(s);
		if (vg_buf_flush(&s->out, 1) != 0)
			s->out_err = true;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) +
		      (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (s->rs != NULL && !summary)
		;
	else if (json)
		print_json(s, &t, secs);
	else
		print_text(s, &t, secs);
	int out_err = s->out_err;
	if (s->store != NULL) {
		if (summary)
			fprintf(stderr,
				"store       %llu detections recorded, %llu "
				"already there\n",
				(unsigned long long)s->stored,
				(unsigned long long)s->replayed);
		out_err |= s->store_err;
		vg_store_close(s->store);
		vg_incidents_free(s->inc);
		vg_buf_free(&s->js);
	}
	if (s->rs != NULL) {
		vg_sigma_free(s->sg);
		vg_rules_free(s->rs);
		free(s->per_rule);
		vg_buf_free(&s->out);
	}
	vg_rules_opts_free(&ro);
	for (size_t i = 0; i < nd; i++)
		free(def[i]);
	free(def);
	free(paths);
	free(s);
	return out_err ? VG_EXIT_OUTPUT : t.errors ? VG_EXIT_INPUT : VG_EXIT_OK;
usage:
	free(paths);
	free(s);
	vg_rules_opts_free(&ro);
	return VG_EXIT_USAGE;
}
