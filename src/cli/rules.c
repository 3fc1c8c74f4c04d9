/* Rule options shared by scan and explain, and "vigie rules". */
#include "rules.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/buf.h"
#include "../lib/escape.h"
#include "../lib/xmalloc.h"
#include "cmds.h"

const char vg_rules_opts_help[] =
	"  -r, --rules PATH   Sigma rules: a file or a directory tree (may\n"
	"                     be given several times)\n"
	"      --mapping FILE logsource and field mapping (default: the\n"
	"                     built-in one, etc/logsources.yaml)\n"
	"      --placeholders FILE  values for |expand placeholders\n"
	"                     (YAML: name: [values])\n";

int vg_rules_opt(int argc, char **argv, int *i, struct vg_rules_opts *ro)
{
	const char *a = argv[*i];
	const char **slot = NULL;

	if (strcmp(a, "-r") == 0 || strcmp(a, "--rules") == 0) {
		if (*i + 1 >= argc) {
			fprintf(stderr, "vigie: %s needs a path\n", a);
			return -1;
		}
		ro->paths = xreallocarray(ro->paths, ro->n + 1,
					  sizeof(*ro->paths));
		ro->paths[ro->n++] = argv[++*i];
		return 1;
	}
	if (strcmp(a, "--mapping") == 0)
		slot = &ro->mapping;
	else if (strcmp(a, "--placeholders") == 0)
		slot = &ro->placeholders;
	else
		return 0;
	if (*i + 1 >= argc) {
		fprintf(stderr, "vigie: %s needs a file\n", a);
		return -1;
	}
	*slot = argv[++*i];
	return 1;
}

struct vg_ruleset *vg_rules_open(const struct vg_rules_opts *ro)
{
	struct vg_ruleset_opts o = {.mapping = ro->mapping,
				    .placeholders = ro->placeholders,
				    .cache_dir = vg_rules_cache_dir()};
	char err[512];
	struct vg_ruleset *rs = vg_rules_new(&o, err, sizeof(err));

	if (rs == NULL) {
		fprintf(stderr, "vigie: %s\n", err);
		return NULL;
	}
	for (size_t i = 0; i < ro->n; i++)
		if (vg_rules_load(rs, ro->paths[i], err, sizeof(err)) != 0) {
			fprintf(stderr, "vigie: %s\n", err);
			vg_rules_free(rs);
			return NULL;
		}
	if (vg_rules_compile(rs, err, sizeof(err)) != 0) {
		fprintf(stderr, "vigie: %s\n", err);
		vg_rules_free(rs);
		return NULL;
	}
	return rs;
}

void vg_rules_opts_free(struct vg_rules_opts *ro)
{
	free(ro->paths);
	ro->paths = NULL;
	ro->n = 0;
}

/* The class of a refusal: its reason up to the first ':' or quote. */
size_t vg_refusal_class(const char *reason, char *out, size_t n)
{
	size_t k = 0;
	bool q = false;

	/* quoted names become '…'; stop at the first ':' after the start */
	for (const char *p = reason; *p && k + 4 < n; p++) {
		if (*p == '\'' || *p == '%') {
			if (!q) {
				out[k++] = *p;
				memcpy(out + k, "…", 3);
				k += 3;
				out[k++] = *p;
			}
			q = !q;
			continue;
		}
		if (q)
			continue;
		if (*p == ':' && p != reason && strchr(p + 1, ' ') != NULL &&
		    k > 0 && strncmp(reason, "condition", 9) != 0)
			break;
		if (*p == ':' && strncmp(reason, "condition", 9) == 0 &&
		    p - reason > 9)
			break;
		out[k++] = *p;
	}
	while (k > 0 && out[k - 1] == ' ')
		k--;
	out[k] = '\0';
	return k;
}

struct cls {
	char name[96];
	uint32_t n;
};

static int by_n(const void *a, const void *b)
{
	const struct cls *x = a, *y = b;
	return x->n < y->n ? 1 : x->n > y->n ? -1 : strcmp(x->name, y->name);
}

static const char rules_usage[] =
	"usage: vigie rules check -r PATH... [--json]\n"
	"       vigie rules list -r PATH...\n"
	"check: loads the rules and lists every rule refused, with file,\n"
	"line and reason, then the counts by reason. Exit code 1 when a rule\n"
	"was refused.\n"
	"list: one line per rule loaded: level, id, kind (detection,\n"
	"correlation, or feeds: a rule whose matches only feed a\n"
	"correlation), title.\n\n"
	"  --json             check: one JSON object per refusal, then a\n"
	"                     summary object\n"
	"%s";

int cmd_rules(int argc, char **argv)
{
	struct vg_rules_opts ro = {0};
	const char *verb = argc > 1 ? argv[1] : "";
	bool json = false;
	struct vg_ruleset *rs;
	struct vg_buf o;
	int rc = VG_EXIT_OK;

	if (strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0) {
		printf(rules_usage, vg_rules_opts_help);
		return VG_EXIT_OK;
	}
	if (strcmp(verb, "check") != 0 && strcmp(verb, "list") != 0) {
		fprintf(stderr, rules_usage, vg_rules_opts_help);
		return VG_EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++) {
		int r = vg_rules_opt(argc, argv, &i, &ro);
		if (r < 0)
			return VG_EXIT_USAGE;
		if (r > 0)
			continue;
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--help") == 0) {
			printf(rules_usage, vg_rules_opts_help);
			return VG_EXIT_OK;
		} else if (argv[i][0] != '-') {
			ro.paths = xreallocarray(ro.paths, ro.n + 1,
						 sizeof(*ro.paths));
			ro.paths[ro.n++] = argv[i];
		} else {
			fprintf(stderr, "vigie rules: unknown option '%s'\n",
				argv[i]);
			return VG_EXIT_USAGE;
		}
	}
	if (ro.n == 0) {
		fprintf(stderr, "vigie rules: no rules given (-r PATH)\n");
		return VG_EXIT_USAGE;
	}
	rs = vg_rules_open(&ro);
	vg_rules_opts_free(&ro);
	if (rs == NULL)
		return VG_EXIT_INPUT;
	vg_buf_init(&o, 1u << 30);
	uint32_t nref = vg_rules_nrefused(rs);
	if (strcmp(verb, "list") == 0) {
		for (uint32_t i = 0; i < vg_rules_count(rs); i++) {
			const struct vg_rule_info *r = vg_rules_info(rs, i);
			const char *id = r->id ? r->id : "-";
			size_t il = strlen(id);
			vg_buf_printf(&o, "%-13s ", vg_level_name(r->level));
			vg_esc_term(&o, id, il);
			vg_buf_printf(&o, "%*s %-11s ", il < 36 ? (int)(36 - il) : 0,
				      "",
				      r->silent	       ? "feeds"
				      : r->correlation ? "correlation"
						       : "detection");
			vg_esc_term(&o, r->title, strlen(r->title));
			vg_buf_putc(&o, '\n');
		}
		vg_buf_flush(&o, 1);
		vg_buf_free(&o);
		vg_rules_free(rs);
		return VG_EXIT_OK;
	}
	struct cls *c = xcalloc(nref + 1, sizeof(*c));
	uint32_t nc = 0;
	for (uint32_t i = 0; i < nref; i++) {
		const struct vg_refusal *f = vg_rules_refused(rs, i);
		char name[96];
		uint32_t k;
		vg_refusal_class(f->reason, name, sizeof(name));
		for (k = 0; k < nc && strcmp(c[k].name, name) != 0; k++)
			;
		if (k == nc)
			snprintf(c[nc++].name, sizeof(c[0].name), "%s", name);
		c[k].n++;
		if (json) {
			vg_buf_puts(&o, "{\"file\":\"");
			vg_esc_json(&o, f->file, strlen(f->file));
			vg_buf_printf(&o, "\",\"line\":%u,\"rule\":\"", f->line);
			vg_esc_json(&o, f->rule, strlen(f->rule));
			vg_buf_puts(&o, "\",\"reason\":\"");
			vg_esc_json(&o, f->reason, strlen(f->reason));
			vg_buf_puts(&o, "\"}\n");
		} else {
			vg_esc_term(&o, f->file, strlen(f->file));
			vg_buf_printf(&o, ":%u: ", f->line);
			if (f->rule[0]) {
				vg_esc_term(&o, f->rule, strlen(f->rule));
				vg_buf_puts(&o, ": ");
			}
			vg_esc_term(&o, f->reason, strlen(f->reason));
			vg_buf_putc(&o, '\n');
		}
	}
	qsort(c, nc, sizeof(*c), by_n);
	if (json) {
		vg_buf_printf(&o,
			      "{\"loaded\":%u,\"refused\":%u,\"unmapped\":%u,"
			      "\"by_reason\":{",
			      vg_rules_count(rs), nref, vg_rules_unmapped(rs));
		for (uint32_t k = 0; k < nc; k++) {
			vg_buf_puts(&o, k ? ",\"" : "\"");
			vg_esc_json(&o, c[k].name, strlen(c[k].name));
			vg_buf_printf(&o, "\":%u", c[k].n);
		}
		vg_buf_puts(&o, "}}\n");
	} else {
		vg_buf_printf(&o,
			      "%u rules loaded, %u refused; %u loaded rules "
			      "have a logsource no mapping entry feeds\n",
			      vg_rules_count(rs), nref, vg_rules_unmapped(rs));
		for (uint32_t k = 0; k < nc; k++) {
			vg_buf_printf(&o, "  %6u  ", c[k].n);
			vg_esc_term(&o, c[k].name, strlen(c[k].name));
			vg_buf_putc(&o, '\n');
		}
	}
	if (vg_buf_flush(&o, 1) != 0)
		rc = VG_EXIT_OUTPUT;
	else if (nref > 0)
		rc = VG_EXIT_INPUT;
	free(c);
	vg_buf_free(&o);
	vg_rules_free(rs);
	return rc;
}
