/* vigie explain: which decoder takes a line, and every field it gives;
 * with rules, which rules match it, and for one rule, why or why not. */
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
#include "rules.h"

static const char usage[] =
	"usage: vigie explain [OPTIONS] ['LINE'...]\n"
	"Decodes each LINE (or each line of standard input when none is\n"
	"given) and shows the decoder, the logsource, the time and every\n"
	"field. Exit code 1 when a line was not decoded.\n"
	"With rules (-r), also lists the rules the event matches; with\n"
	"--rule, shows for that rule each selection and the condition, so\n"
	"that a rule which does not fire says why.\n\n"
	"  --json             print the events as JSON lines instead\n"
	"      --rule ID      explain this rule (id, name or title)\n"
	"%s%s";

struct ectx {
	int json;
	int undecoded;
	struct vg_buf out;
	struct vg_ruleset *rs;
	struct vg_sigma *sg;
	const struct vg_rule_info *rule;
	uint32_t nmatch;
};

static void on_match(const struct vg_match *m, void *arg)
{
	struct ectx *e = arg;

	if (e->nmatch++ == 0)
		vg_buf_puts(&e->out, "matches\n");
	vg_buf_printf(&e->out, "  %-8s ", vg_level_name(m->rule->level));
	vg_esc_term(&e->out, m->rule->title, strlen(m->rule->title));
	if (m->rule->id) {
		vg_buf_puts(&e->out, "  (");
		vg_esc_term(&e->out, m->rule->id, strlen(m->rule->id));
		vg_buf_putc(&e->out, ')');
	}
	if (m->group) {
		vg_buf_puts(&e->out, "  ");
		vg_esc_term(&e->out, m->group, strlen(m->group));
	}
	vg_buf_putc(&e->out, '\n');
}

static void rules_part(struct ectx *e, const struct vg_event *ev)
{
	if (e->sg == NULL)
		return;
	e->nmatch = 0;
	vg_sigma_eval(e->sg, ev, on_match, e);
	if (e->nmatch == 0)
		vg_buf_puts(&e->out, "matches   none\n");
	if (e->rule != NULL)
		vg_sigma_explain(e->sg, e->rule->index, ev, &e->out);
}

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
			rules_part(e, ev);
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
	struct vg_rules_opts ro = {0};
	const char *rule = NULL;

	for (int i = 1; i < argc; i++) {
		int r = vg_input_opt(argc, argv, &i, &o);

		if (r == 0)
			r = vg_rules_opt(argc, argv, &i, &ro);
		if (r < 0)
			return VG_EXIT_USAGE;
		if (r > 0)
			continue;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf(usage, vg_input_opts_help, vg_rules_opts_help);
			vg_rules_opts_free(&ro);
			return VG_EXIT_OK;
		}
		if (strcmp(argv[i], "--rule") == 0 && i + 1 < argc) {
			rule = argv[++i];
			continue;
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
	if (ro.n > 0) {
		e.rs = vg_rules_open(&ro);
		vg_rules_opts_free(&ro);
		if (e.rs == NULL)
			return VG_EXIT_INPUT;
		if (rule != NULL) {
			e.rule = vg_rules_find(e.rs, rule);
			if (e.rule == NULL) {
				fprintf(stderr,
					"vigie explain: no loaded rule has the "
					"id, name or title '%s'\n",
					rule);
				vg_rules_free(e.rs);
				return VG_EXIT_USAGE;
			}
		}
		e.sg = vg_sigma_new(e.rs);
	} else if (rule != NULL) {
		fprintf(stderr, "vigie explain: --rule needs rules (-r)\n");
		return VG_EXIT_USAGE;
	}
	vg_buf_init(&e.out, 16u << 20);
	if (nlines == 0) {
		struct vg_input_totals t = {0};
		char *in[] = {"-"};

		vg_input_run(in, 1, &o, sink, &e, &t);
		vg_buf_free(&e.out);
		vg_sigma_free(e.sg);
		vg_rules_free(e.rs);
		return t.errors ? VG_EXIT_INPUT : e.undecoded ? VG_EXIT_INPUT : 0;
	}
	vg_decode_ctx_init(&dc, (int64_t)time(NULL), o.format);
	b = vg_batch_new(1);
	for (int i = 1; i < argc; i++) {
		struct vg_record rec = {0};
		struct vg_input_opts skip = o;
		int k = i;
		size_t len;

		struct vg_rules_opts rskip = {0};
		if (vg_input_opt(argc, argv, &k, &skip) != 0 ||
		    vg_rules_opt(argc, argv, &k, &rskip) != 0) {
			vg_rules_opts_free(&rskip);
			i = k;
			continue;
		}
		if (strcmp(argv[i], "--rule") == 0) {
			i++;
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
	vg_sigma_free(e.sg);
	vg_rules_free(e.rs);
	return rc;
}
