/* Loading Sigma files: documents → rules, filters and correlations, with
 * every refusal recorded with its file, line and reason. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../ingest/walk.h"
#include "../lib/intern.h"
#include "../lib/vtime.h"
#include "../lib/xmalloc.h"
#include "sg.h"

#define MAXFILE (4u << 20)
#define WHY 256

void sg_refuse(struct vg_ruleset *rs, const char *file, uint32_t line,
	       const char *rule, const char *fmt, ...)
{
	char msg[WHY];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (rs->nref == rs->capref) {
		rs->capref = rs->capref ? rs->capref * 2 : 64;
		rs->ref = xreallocarray(rs->ref, rs->capref, sizeof(*rs->ref));
	}
	struct vg_refusal *r = &rs->ref[rs->nref++];
	r->file = vg_arena_dup(rs->a, file, strlen(file) + 1);
	r->line = line;
	r->rule = vg_arena_dup(rs->a, rule ? rule : "",
			       strlen(rule ? rule : "") + 1);
	r->reason = vg_arena_dup(rs->a, msg, strlen(msg) + 1);
}

/* A copy of s in the ruleset's memory: a file's YAML tree is freed once
 * its rules are compiled, and what they keep of it is copied. */
static const char *keep(struct vg_ruleset *rs, const char *s)
{
	return s != NULL ? vg_arena_dup(rs->a, s, strlen(s) + 1) : NULL;
}

static const char *str(const struct ynode *n)
{
	return n != NULL && n->kind == Y_SCALAR && !ynode_is_null(n) ? n->s
								      : NULL;
}

/* The cost of testing a field matcher: regular expressions last. */
static int fm_cost(const struct sg_fm *fm)
{
	int c = 0;
	for (uint32_t i = 0; i < fm->nv; i++) {
		int k = fm->v[i].kind == SV_RE		  ? 100
			: fm->v[i].kind == SV_GLOB	  ? 4
			: fm->v[i].kind == SV_CONTAINS ? 3
						       : 1;
		if (k > c)
			c = k;
	}
	return c * 16 + (fm->nv > 15 ? 15 : (int)fm->nv);
}

/* Orders the tests of a map (an AND) cheapest first, stably. */
static void order_map(struct sg_map *m)
{
	for (uint32_t i = 1; i < m->n; i++) {
		struct sg_fm x = m->f[i];
		int cx = fm_cost(&x);
		uint32_t j = i;
		while (j > 0 && fm_cost(&m->f[j - 1]) > cx) {
			m->f[j] = m->f[j - 1];
			j--;
		}
		m->f[j] = x;
	}
}

int sg_ident_compile(struct vg_ruleset *rs, const struct ynode *n,
		     struct sg_ident *id, char *why, size_t whylen,
		     uint32_t *line)
{
	struct vg_arena *a = rs->a;

	*line = n->line;
	if (n->kind == Y_MAP) {
		if (n->n == 0) {
			snprintf(why, whylen, "search identifier '%s' is empty",
				 id->name);
			return -1;
		}
		id->n = 1;
		id->m = vg_arena_alloc(a, sizeof(*id->m));
		id->m->n = (uint32_t)n->n;
		id->m->f = vg_arena_alloc(a, n->n * sizeof(struct sg_fm));
		if (id->m->f == NULL)
			return -1;
		for (size_t i = 0; i < n->n; i++)
			if (sg_fm_compile(rs, n->key[i]->s, n->item[i],
					  &id->m->f[i], why, whylen,
					  line) != 0)
				return -1;
		order_map(id->m);
		return 0;
	}
	if (n->kind == Y_SCALAR) {
		/* one keyword */
		id->n = 1;
		id->m = vg_arena_alloc(a, sizeof(*id->m));
		id->m->n = 1;
		id->m->f = vg_arena_alloc(a, sizeof(struct sg_fm));
		return sg_fm_compile(rs, "", n, id->m->f, why, whylen, line);
	}
	/* A list: all scalars (keywords, OR) or all maps (OR of maps). */
	size_t maps = 0;
	for (size_t i = 0; i < n->n; i++)
		maps += n->item[i]->kind == Y_MAP;
	if (n->n == 0) {
		snprintf(why, whylen, "search identifier '%s' is empty",
			 id->name);
		return -1;
	}
	if (maps == 0) {
		id->n = 1;
		id->m = vg_arena_alloc(a, sizeof(*id->m));
		id->m->n = 1;
		id->m->f = vg_arena_alloc(a, sizeof(struct sg_fm));
		return sg_fm_compile(rs, "", n, id->m->f, why, whylen, line);
	}
	if (maps != n->n) {
		snprintf(why, whylen,
			 "search identifier '%s' mixes keywords and maps",
			 id->name);
		return -1;
	}
	id->n = (uint32_t)n->n;
	id->m = vg_arena_alloc(a, n->n * sizeof(*id->m));
	if (id->m == NULL)
		return -1;
	for (size_t i = 0; i < n->n; i++) {
		struct sg_ident sub = {.name = id->name};
		if (sg_ident_compile(rs, n->item[i], &sub, why, whylen, line) !=
		    0)
			return -1;
		id->m[i] = sub.m[0];
	}
	return 0;
}

int sg_detect_compile(struct vg_ruleset *rs, const struct ynode *det,
		      struct sg_detect *d, char *why, size_t whylen,
		      uint32_t *line)
{
	const struct ynode *cond;
	uint32_t roots[64], nroots = 0;

	memset(d, 0, sizeof(*d));
	*line = det->line;
	if (det->kind != Y_MAP) {
		snprintf(why, whylen, "detection must be a mapping");
		return -1;
	}
	cond = ymap_get(det, "condition");
	if (cond == NULL) {
		snprintf(why, whylen, "detection has no condition");
		return -1;
	}
	d->id = vg_arena_alloc(rs->a, det->n * sizeof(*d->id));
	if (d->id == NULL)
		return -1;
	for (size_t i = 0; i < det->n; i++) {
		const char *k = det->key[i]->s;
		if (strcmp(k, "condition") == 0 || strcmp(k, "timeframe") == 0)
			continue;
		struct sg_ident *id = &d->id[d->nid++];
		memset(id, 0, sizeof(*id));
		id->name = keep(rs, k);
		if (sg_ident_compile(rs, det->item[i], id, why, whylen, line) !=
		    0)
			return -1;
	}
	if (d->nid == 0) {
		snprintf(why, whylen, "detection has no search identifier");
		return -1;
	}
	*line = cond->line;
	if (cond->kind == Y_SCALAR) {
		if (sg_cond_parse(rs->a, d, cond->s, why, whylen) != 0)
			return -1;
		return 0;
	}
	if (cond->kind != Y_SEQ || cond->n == 0 || cond->n > 64) {
		snprintf(why, whylen, "condition must be a string or a list");
		return -1;
	}
	for (size_t i = 0; i < cond->n; i++) {
		if (cond->item[i]->kind != Y_SCALAR) {
			snprintf(why, whylen, "condition must be a string");
			return -1;
		}
		if (sg_cond_parse(rs->a, d, cond->item[i]->s, why, whylen) != 0)
			return -1;
		roots[nroots++] = d->root;
	}
	if (nroots == 1)
		return 0;
	/* A list of conditions is their OR: one more node. */
	struct sg_cnode *c = vg_arena_alloc(rs->a, (d->nc + 1) * sizeof(*c));
	if (c == NULL)
		return -1;
	memcpy(c, d->c, d->nc * sizeof(*c));
	c[d->nc].op = C_OR;
	c[d->nc].n = nroots;
	c[d->nc].k = (uint32_t *)vg_arena_dup(rs->a, roots, nroots * sizeof(uint32_t));
	d->c = c;
	d->root = d->nc++;
	return 0;
}

static enum vg_level level_of(const char *s, bool *ok)
{
	static const char *const names[] = {"informational", "low", "medium",
					    "high", "critical"};
	*ok = true;
	if (s == NULL)
		return VG_LVL_MEDIUM;
	for (int i = 0; i < 5; i++)
		if (strcmp(s, names[i]) == 0)
			return (enum vg_level)i;
	*ok = false;
	return VG_LVL_MEDIUM;
}

const char *vg_level_name(enum vg_level l)
{
	static const char *const names[] = {"informational", "low", "medium",
					    "high", "critical"};
	return (unsigned)l < 5 ? names[l] : "?";
}

/* Sigma timespans: vg_duration's units, and M (30 days) and y (365). */
int64_t sg_parse_timespan(const char *s)
{
	int64_t d = vg_duration(s);
	size_t n = s ? strlen(s) : 0;

	if (d > 0 || n < 2 || (s[n - 1] != 'M' && s[n - 1] != 'y'))
		return d;
	char tmp[32];
	if (n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n - 1);
	tmp[n - 1] = 'd';
	tmp[n] = '\0';
	d = vg_duration(tmp);
	if (d < 0 || d > INT64_MAX / 365)
		return -1;
	return d * (s[n - 1] == 'M' ? 30 : 365);
}

static const char **str_list(struct vg_ruleset *rs, const struct ynode *n,
			     uint32_t *count)
{
	const char **v;

	*count = 0;
	if (n == NULL)
		return NULL;
	if (n->kind == Y_SCALAR) {
		v = vg_arena_alloc(rs->a, sizeof(*v));
		v[0] = keep(rs, n->s);
		*count = 1;
		return v;
	}
	if (n->kind != Y_SEQ)
		return NULL;
	v = vg_arena_alloc(rs->a, (n->n + 1) * sizeof(*v));
	for (size_t i = 0; i < n->n; i++) {
		if (n->item[i]->kind != Y_SCALAR) {
			*count = 0; /* a list with a map or list inside: none */
			return NULL;
		}
		v[(*count)++] = keep(rs, n->item[i]->s);
	}
	return v;
}

static void add_rule(struct vg_ruleset *rs, struct sg_rule *r)
{
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 256;
		rs->r = xreallocarray(rs->r, rs->cap, sizeof(*rs->r));
	}
	r->info.index = rs->n;
	rs->r[rs->n++] = r;
}

static int meta(struct vg_ruleset *rs, const struct ynode *doc,
		struct sg_rule *r, const char *file, char *why, size_t whylen)
{
	const struct ynode *tags = ymap_get(doc, "tags");
	const struct ynode *ls = ymap_get(doc, "logsource");
	bool ok;

	r->info.title = keep(rs, str(ymap_get(doc, "title")));
	r->info.id = keep(rs, str(ymap_get(doc, "id")));
	r->info.name = keep(rs, str(ymap_get(doc, "name")));
	r->info.file = vg_arena_dup(rs->a, file, strlen(file) + 1);
	r->info.line = doc->line;
	if (r->info.title == NULL) {
		snprintf(why, whylen, "a rule needs a title");
		return -1;
	}
	r->info.level = level_of(str(ymap_get(doc, "level")), &ok);
	if (!ok) {
		snprintf(why, whylen, "unknown level '%.40s'",
			 str(ymap_get(doc, "level")));
		return -1;
	}
	if (tags != NULL) {
		uint32_t n;
		const char **t = str_list(rs, tags, &n);
		if (t == NULL && n == 0 && tags->kind != Y_SEQ) {
			snprintf(why, whylen, "tags must be a list");
			return -1;
		}
		r->info.tags = t;
		r->info.ntags = n;
	}
	if (ls != NULL) {
		if (ls->kind != Y_MAP) {
			snprintf(why, whylen, "logsource must be a mapping");
			return -1;
		}
		r->product = keep(rs, str(ymap_get(ls, "product")));
		r->category = keep(rs, str(ymap_get(ls, "category")));
		r->service = keep(rs, str(ymap_get(ls, "service")));
	}
	return 0;
}

static int load_corr(struct vg_ruleset *rs, const struct ynode *doc,
		     struct sg_rule *r, char *why, size_t whylen,
		     uint32_t *line)
{
	const struct ynode *c = ymap_get(doc, "correlation");
	struct sg_corr *k;
	const char *type;
	static const char *const types[] = {
		"event_count",	    "value_count", "temporal",
		"temporal_ordered", "value_sum",   "value_avg",
		"value_percentile"};

	*line = c->line;
	if (c->kind != Y_MAP) {
		snprintf(why, whylen, "correlation must be a mapping");
		return -1;
	}
	k = vg_arena_alloc(rs->a, sizeof(*k));
	memset(k, 0, sizeof(*k));
	r->corr = k;
	r->info.correlation = true;
	type = str(ymap_get(c, "type"));
	k->type = 255;
	for (int i = 0; type && i < 7; i++)
		if (strcmp(type, types[i]) == 0)
			k->type = (uint8_t)i;
	if (k->type == 255) {
		snprintf(why, whylen, "correlation: unknown type '%.40s'",
			 type ? type : "");
		return -1;
	}
	k->refs = str_list(rs, ymap_get(c, "rules"), &k->nrefs);
	if (k->nrefs == 0 || k->nrefs > 64) {
		snprintf(why, whylen, "correlation: 'rules' must name 1 to 64 "
				      "rules");
		return -1;
	}
	const struct ynode *gb = ymap_get(c, "group-by");
	k->group = str_list(rs, gb, &k->ngroup);
	if (gb != NULL && k->group == NULL) {
		snprintf(why, whylen, "correlation: group-by must be a list");
		return -1;
	}
	const struct ynode *ts = ymap_get(c, "timespan");
	if (ts == NULL)
		ts = ymap_get(c, "timeframe");
	k->timespan = sg_parse_timespan(str(ts));
	if (k->timespan <= 0) {
		snprintf(why, whylen,
			 "correlation: timespan must be like 30s, 5m, 1h, 1d");
		return -1;
	}
	const struct ynode *gen = ymap_get(c, "generate");
	if (gen == NULL)
		gen = ymap_get(doc, "generate");
	k->generate = gen != NULL && str(gen) != NULL &&
		      strcmp(str(gen), "true") == 0;
	/* aliases: name → {rule: field} */
	const struct ynode *al = ymap_get(c, "aliases");
	k->alias = vg_arena_alloc(rs->a, (k->ngroup * k->nrefs + 1) *
						 sizeof(char *));
	memset(k->alias, 0, (k->ngroup * k->nrefs + 1) * sizeof(char *));
	if (al != NULL) {
		if (al->kind != Y_MAP) {
			snprintf(why, whylen,
				 "correlation: aliases must be a mapping");
			return -1;
		}
		for (size_t i = 0; i < al->n; i++) {
			uint32_t g = k->ngroup;
			for (uint32_t x = 0; x < k->ngroup; x++)
				if (strcmp(k->group[x], al->key[i]->s) == 0)
					g = x;
			if (g == k->ngroup) {
				snprintf(why, whylen,
					 "correlation: alias '%.40s' is not in "
					 "group-by",
					 al->key[i]->s);
				return -1;
			}
			const struct ynode *m = al->item[i];
			if (m->kind != Y_MAP) {
				snprintf(why, whylen,
					 "correlation: an alias maps rules to "
					 "fields");
				return -1;
			}
			for (size_t j = 0; j < m->n; j++) {
				uint32_t rr = k->nrefs;
				for (uint32_t x = 0; x < k->nrefs; x++)
					if (strcmp(k->refs[x], m->key[j]->s) ==
					    0)
						rr = x;
				if (rr == k->nrefs || str(m->item[j]) == NULL) {
					snprintf(why, whylen,
						 "correlation: alias for "
						 "'%.40s', which 'rules' does "
						 "not name",
						 m->key[j]->s);
					return -1;
				}
				k->alias[g * k->nrefs + rr] =
					keep(rs, str(m->item[j]));
			}
		}
	}
	const struct ynode *cond = ymap_get(c, "condition");
	bool needs_cond = k->type != CT_TEMPORAL &&
			  k->type != CT_TEMPORAL_ORDERED;
	if (cond != NULL && cond->kind != Y_MAP) {
		snprintf(why, whylen, "correlation: condition must be a mapping");
		return -1;
	}
	if (cond == NULL && needs_cond) {
		snprintf(why, whylen, "correlation: %s needs a condition",
			 types[k->type]);
		return -1;
	}
	for (size_t i = 0; cond && i < cond->n; i++) {
		const char *key = cond->key[i]->s, *v = str(cond->item[i]);
		char *end = NULL;
		double x = v ? strtod(v, &end) : 0;
		if (strcmp(key, "field") == 0) {
			k->field = keep(rs, v);
			continue;
		}
		if (v == NULL || end == v || *end != '\0') {
			snprintf(why, whylen,
				 "correlation: condition '%.20s' wants a "
				 "number",
				 key);
			return -1;
		}
		if (strcmp(key, "gt") == 0 || strcmp(key, "gte") == 0) {
			k->has_lo = true, k->lo = x, k->lo_incl = key[2] == 'e';
		} else if (strcmp(key, "lt") == 0 || strcmp(key, "lte") == 0) {
			k->has_hi = true, k->hi = x, k->hi_incl = key[2] == 'e';
		} else if (strcmp(key, "eq") == 0) {
			k->has_eq = true, k->eq = x;
		} else if (strcmp(key, "neq") == 0) {
			k->has_neq = true, k->neq = x;
		} else if (strcmp(key, "percentile") == 0) {
			k->percentile = x;
		} else {
			snprintf(why, whylen,
				 "correlation: unknown condition '%.20s'", key);
			return -1;
		}
	}
	if (needs_cond && !k->has_lo && !k->has_hi && !k->has_eq &&
	    !k->has_neq) {
		snprintf(why, whylen, "correlation: the condition has no "
				      "comparison");
		return -1;
	}
	if ((k->type == CT_VALUE_COUNT || k->type >= CT_VALUE_SUM) &&
	    k->field == NULL) {
		snprintf(why, whylen, "correlation: %s needs condition.field",
			 types[k->type]);
		return -1;
	}
	k->alias_id = vg_arena_alloc(rs->a, (k->ngroup * k->nrefs + 1) *
						    sizeof(uint16_t));
	for (uint32_t g = 0; g < k->ngroup; g++)
		for (uint32_t r2 = 0; r2 < k->nrefs; r2++) {
			const char *f = k->alias[g * k->nrefs + r2];
			if (f == NULL)
				f = k->group[g];
			k->alias_id[g * k->nrefs + r2] = vg_intern(f, strlen(f));
		}
	if (k->field != NULL)
		k->field_id = vg_intern(k->field, strlen(k->field));
	if (k->type == CT_VALUE_PERCENTILE &&
	    (k->percentile <= 0 || k->percentile > 100)) {
		snprintf(why, whylen,
			 "correlation: value_percentile needs "
			 "condition.percentile in (0, 100]");
		return -1;
	}
	return 0;
}

static int load_filter(struct vg_ruleset *rs, const struct ynode *doc,
		       const char *file, char *why, size_t whylen,
		       uint32_t *line)
{
	const struct ynode *f = ymap_get(doc, "filter");
	const struct ynode *ls = ymap_get(doc, "logsource");
	struct sg_filter *x = vg_arena_alloc(rs->a, sizeof(*x));

	memset(x, 0, sizeof(*x));
	*line = f->line;
	x->file = vg_arena_dup(rs->a, file, strlen(file) + 1);
	x->line = doc->line;
	x->title = keep(rs, str(ymap_get(doc, "title")));
	if (f->kind != Y_MAP) {
		snprintf(why, whylen, "filter must be a mapping");
		return -1;
	}
	x->rules = str_list(rs, ymap_get(f, "rules"), &x->nrules);
	if (x->nrules == 0) {
		snprintf(why, whylen, "filter: 'rules' names no rule");
		return -1;
	}
	if (ls != NULL && ls->kind == Y_MAP) {
		x->product = keep(rs, str(ymap_get(ls, "product")));
		x->category = keep(rs, str(ymap_get(ls, "category")));
		x->service = keep(rs, str(ymap_get(ls, "service")));
	}
	/* The filter's own keys other than 'rules' form a detection. */
	struct ynode det = *f;
	struct ynode **k = vg_arena_alloc(rs->a, f->n * sizeof(*k));
	struct ynode **v = vg_arena_alloc(rs->a, f->n * sizeof(*v));
	det.n = 0;
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->key[i]->s, "rules") != 0) {
			k[det.n] = f->key[i];
			v[det.n++] = f->item[i];
		}
	det.key = k;
	det.item = v;
	if (sg_detect_compile(rs, &det, &x->det, why, whylen, line) != 0)
		return -1;
	if (rs->nfilt == rs->capfilt) {
		rs->capfilt = rs->capfilt ? rs->capfilt * 2 : 16;
		rs->filt = xreallocarray(rs->filt, rs->capfilt,
					 sizeof(*rs->filt));
	}
	rs->filt[rs->nfilt++] = x;
	return 0;
}

/* action: global documents (rule collections) are merged into the
 * documents that follow them, key by key, one level into mappings. */
static struct ynode *merge(struct vg_arena *a, const struct ynode *g,
			   const struct ynode *d)
{
	struct ynode *m;

	if (g == NULL)
		return (struct ynode *)d;
	if (d->kind != Y_MAP || g->kind != Y_MAP)
		return (struct ynode *)d;
	m = vg_arena_alloc(a, sizeof(*m));
	*m = *d;
	m->key = vg_arena_alloc(a, (g->n + d->n) * sizeof(*m->key));
	m->item = vg_arena_alloc(a, (g->n + d->n) * sizeof(*m->item));
	m->n = 0;
	for (size_t i = 0; i < d->n; i++) {
		const struct ynode *gv = ymap_get(g, d->key[i]->s);
		m->key[m->n] = d->key[i];
		m->item[m->n++] = gv != NULL && gv->kind == Y_MAP
					  ? merge(a, gv, d->item[i])
					  : d->item[i];
	}
	for (size_t i = 0; i < g->n; i++)
		if (ymap_get(d, g->key[i]->s) == NULL &&
		    strcmp(g->key[i]->s, "action") != 0) {
			m->key[m->n] = g->key[i];
			m->item[m->n++] = g->item[i];
		}
	return m;
}

int vg_rules_load_mem(struct vg_ruleset *rs, const char *file,
		      const char *text, size_t len)
{
	struct ynode **docs;
	size_t ndocs;
	char err[WHY];
	const struct ynode *global = NULL;

	/* The tree lives until the file's rules are compiled. */
	struct vg_arena *y = vg_arena_new(64u << 10, (size_t)1 << 30);

	if (y == NULL) {
		sg_refuse(rs, file, 0, "", "out of memory");
		return 0;
	}
	if (ydoc_parse(y, text, len, &docs, &ndocs, err, sizeof(err)) != 0) {
		vg_arena_free(y);
		unsigned long line = strncmp(err, "line ", 5) == 0
					     ? strtoul(err + 5, NULL, 10)
					     : 0;
		const char *reason = strstr(err, ": ");
		sg_refuse(rs, file, (uint32_t)line, "", "invalid YAML: %s",
			  reason ? reason + 2 : err);
		return 0;
	}
	for (size_t i = 0; i < ndocs; i++) {
		struct ynode *doc = docs[i];
		char why[WHY];
		uint32_t line = doc->line;
		const char *action = str(ymap_get(doc, "action"));

		if (doc->kind != Y_MAP) {
			sg_refuse(rs, file, doc->line, "",
				  "a rule must be a mapping");
			continue;
		}
		if (action != NULL && strcmp(action, "global") == 0) {
			global = doc;
			continue;
		}
		if (action != NULL && strcmp(action, "reset") == 0) {
			global = NULL;
			continue;
		}
		if (action != NULL && strcmp(action, "repeat") != 0) {
			sg_refuse(rs, file, doc->line, str(ymap_get(doc, "title")),
				  "unknown action '%.40s'", action);
			continue;
		}
		doc = merge(y, global, doc);
		const char *title = str(ymap_get(doc, "title"));
		const char *label = title ? title : str(ymap_get(doc, "id"));
		if (ymap_get(doc, "filter") != NULL) {
			if (load_filter(rs, doc, file, why, sizeof(why),
					&line) != 0)
				sg_refuse(rs, file, line, label, "%s", why);
			continue;
		}
		struct sg_rule *r = vg_arena_alloc(rs->a, sizeof(*r));
		memset(r, 0, sizeof(*r));
		if (meta(rs, doc, r, file, why, sizeof(why)) != 0) {
			sg_refuse(rs, file, doc->line, label, "%s", why);
			continue;
		}
		if (ymap_get(doc, "correlation") != NULL) {
			if (load_corr(rs, doc, r, why, sizeof(why), &line) != 0) {
				sg_refuse(rs, file, line, label, "%s", why);
				continue;
			}
			add_rule(rs, r);
			continue;
		}
		const struct ynode *det = ymap_get(doc, "detection");
		if (det == NULL) {
			sg_refuse(rs, file, doc->line, label,
				  "no detection, correlation or filter");
			continue;
		}
		if (sg_detect_compile(rs, det, &r->det, why, sizeof(why),
				      &line) != 0) {
			sg_refuse(rs, file, line, label, "%s", why);
			continue;
		}
		add_rule(rs, r);
	}
	vg_arena_free(y);
	return 0;
}

struct loadctx {
	struct vg_ruleset *rs;
	int errors;
};

static bool is_yaml(const char *p)
{
	size_t n = strlen(p);
	return (n > 4 && strcmp(p + n - 4, ".yml") == 0) ||
	       (n > 5 && strcmp(p + n - 5, ".yaml") == 0);
}

static int load_file(const char *path, bool named, void *arg)
{
	struct loadctx *c = arg;
	FILE *f;
	struct stat sb;
	char *buf;
	size_t n;

	if (!named && !is_yaml(path))
		return 0;
	f = fopen(path, "rb");
	if (f == NULL || fstat(fileno(f), &sb) != 0) {
		sg_refuse(c->rs, path, 0, "", "cannot read: %s",
			  strerror(errno));
		if (f)
			fclose(f);
		return 0;
	}
	if (sb.st_size > (off_t)MAXFILE) {
		sg_refuse(c->rs, path, 0, "", "file larger than %u bytes",
			  MAXFILE);
		fclose(f);
		return 0;
	}
	buf = xmalloc((size_t)sb.st_size + 1);
	n = fread(buf, 1, (size_t)sb.st_size, f);
	buf[n] = '\0';
	fclose(f);
	vg_rules_load_mem(c->rs, path, buf, n);
	free(buf);
	return 0;
}

static void walk_err(const char *path, const char *why, void *arg)
{
	struct loadctx *c = arg;
	(void)path;
	(void)why;
	c->errors++;
}

int vg_rules_load(struct vg_ruleset *rs, const char *path, char *err,
		  size_t errlen)
{
	struct loadctx c = {.rs = rs};
	char *paths[1] = {(char *)path};
	struct stat sb;

	if (stat(path, &sb) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	vg_walk(paths, 1, load_file, walk_err, &c);
	if (c.errors) {
		snprintf(err, errlen, "%s: cannot be read", path);
		return -1;
	}
	return 0;
}
