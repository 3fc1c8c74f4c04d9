/* The Sigma engine: ruleset compilation (logsource routing, the literal
 * prefilter) and per-event evaluation.
 *
 * Per event:
 *  1. its fields are indexed by their Sigma name (the mapping's prefixes
 *     and renames, computed once per field name and cached);
 *  2. the values of the few fields the mapping tests (Channel, EventID…)
 *     plus what the decoder said form a route key; a cached route gives
 *     the logsource entries that match, their field renames, and the rules
 *     they feed;
 *  3. each field that holds prefilter literals for those rules is scanned
 *     once by its Vectorscan database; a rule is a candidate when one of
 *     its literals was seen, or when it can match without any;
 *  4. candidates are evaluated (cheap tests first, regular expressions
 *     last within each selection, as written), and matches go to the
 *     caller and to the correlations that consume them. */
#include <hs/hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../decode/decode.h"
#include "../lib/buf.h"
#include "../lib/escape.h"
#include "../lib/find.h"
#include "../lib/intern.h"
#include "../lib/xmalloc.h"
#include "sg.h"

#define NSLOT 65536u
#define MAXVIEW (VG_EVENT_MAXFIELDS + 8)
#define ROUTE_BUCKETS 1024u
#define ROUTE_MAX 4096u
#define KEYMAX 512

/* ---- the prefilter ---- */

struct lit {
	uint16_t field;
	bool cased;
	const char *s;
	uint32_t len;
	bool whole; /* the value must be this literal (an equality) */
};

/* The prefilter of one field: Vectorscan for literals the value must
 * contain, a hash table for values it must equal (cheaper than a scan for
 * short fields such as EventID or event.action). */
struct fdb {
	uint16_t field;
	hs_database_t *db;  /* NULL when the field has only equalities */
	uint32_t *eq;       /* open addressing: literal id + 1, or 0 */
	uint32_t eqmask;
	/* the lengths of the equalities, folded modulo 256: a value of
	 * no such length is not hashed (most command lines, paths) */
	uint64_t eqlen[4];
};

struct sg_prefilter {
	struct fdb *db;
	uint32_t ndb;
	/* literal id → rules (CSR) */
	uint32_t nlit;
	const char **lit_s;
	uint32_t *lit_len;
	bool *lit_cased;
	uint32_t *lit_off, *lit_rules;
	bool *always;  /* per rule: no literal is required */
	uint32_t *rule_fields; /* per rule: bitset offset… (see rule_dbs) */
	uint32_t *rd_off, *rd; /* rule → databases it has literals in */
};

struct route {
	struct route *next;
	char *key;
	uint32_t keylen;
	uint32_t *srcs, nsrcs;
	uint16_t *ren_from, *ren_to;
	uint32_t nren;
	uint32_t *rules, nrules;    /* all rules fed, ascending */
	uint32_t *always, nalways;  /* those without literals */
	uint64_t *inroute;          /* bitset over rules */
	uint32_t *dbs, ndbs;        /* databases to scan */
};

struct vg_sigma {
	const struct vg_ruleset *rs;
	struct sg_ev e;
	/* field index */
	uint32_t gen;
	uint32_t *sgen;
	uint16_t *sfirst;
	uint32_t nview;
	const char *vp[MAXVIEW];
	uint32_t vl[MAXVIEW];
	uint16_t vid[MAXVIEW];
	bool vnull[MAXVIEW];
	int16_t vnext[MAXVIEW];
	const char *vfold[MAXVIEW];
	const char *rawfold;
	struct vg_arena *fa; /* folded copies, reset per event */
	/* routes */
	struct route *rt[ROUTE_BUCKETS];
	struct route *last;
	uint32_t nroutes;
	struct vg_arena *ra;
	/* prefilter */
	hs_scratch_t *scratch;
	uint32_t *litgen;
	uint32_t *hits, nhits;
	uint32_t *rulegen;
	uint32_t *cand, ncand;
	uint8_t *memo;
	uint32_t maxid;
	struct vg_sigma_stats st;
	struct sg_cstate *cs;
	uint16_t at_product, at_category, at_service;
	char pv[3][64];
};

/* ---- field names ---- */

/* Length of the prefix pattern pre matched at the start of s (a '*'
 * stands for one name segment: no dots), or 0. */
static size_t prefix_len(const char *pre, const char *s, size_t n)
{
	size_t i = 0;

	for (; *pre; pre++) {
		if (*pre == '*') {
			size_t j = i;
			while (j < n && s[j] != '.')
				j++;
			if (j == i)
				return 0;
			i = j;
			continue;
		}
		if (i >= n || s[i] != *pre)
			return 0;
		i++;
	}
	return i < n ? i : 0;
}

/* An event's field name → the Sigma name: the first matching prefix is
 * cut, "X.#attributes.Y" becomes "X_Y", then a rename applies or, if
 * none, spaces are dropped ("Threat Name" → "ThreatName", as Sigma
 * writes the Windows Defender fields). */
static uint16_t canon_compute(const struct vg_ruleset *rs, uint16_t id)
{
	size_t n;
	const char *s = vg_intern_str(id, &n);
	char buf[VG_INTERN_NAMELEN + 1];
	size_t bl = 0;

	if (s == NULL)
		return id;
	for (uint32_t i = 0; i < rs->map.nprefix; i++) {
		size_t pl = prefix_len(rs->map.prefix[i], s, n);
		if (pl > 0) {
			s += pl, n -= pl;
			break;
		}
	}
	for (size_t i = 0; i < n && bl < VG_INTERN_NAMELEN; i++) {
		if (s[i] == '.' && n - i > 13 &&
		    memcmp(s + i, ".#attributes.", 13) == 0) {
			buf[bl++] = '_';
			i += 12;
			continue;
		}
		buf[bl++] = s[i];
	}
	uint16_t c = vg_intern_find(buf, bl);
	for (uint32_t i = 0; c && i < rs->map.nrn; i++)
		if (rs->map.rn_from[i] == c)
			return rs->map.rn_to[i];
	size_t k = 0;
	for (size_t i = 0; i < bl; i++)
		if (buf[i] != ' ')
			buf[k++] = buf[i];
	c = vg_intern(buf, k);
	return c ? c : id;
}

static inline uint16_t canon(const struct vg_ruleset *rs, uint16_t id)
{
	uint32_t c = atomic_load_explicit(&rs->canon[id], memory_order_relaxed);

	if (c & 0x80000000u)
		return (uint16_t)c;
	c = canon_compute(rs, id);
	atomic_store_explicit(&rs->canon[id], c | 0x80000000u,
			      memory_order_relaxed);
	return (uint16_t)c;
}

const char *vg_sigma_field_name(const struct vg_ruleset *rs, uint16_t id)
{
	return vg_intern_str(canon(rs, id), NULL);
}

/* ---- event access ---- */

static void view_add(struct vg_sigma *s, uint16_t id, const char *p,
		     uint32_t len, bool isnull)
{
	uint32_t i = s->nview;

	if (i >= MAXVIEW)
		return;
	s->nview++;
	s->vp[i] = p;
	s->vl[i] = len;
	s->vid[i] = id;
	s->vnull[i] = isnull;
	s->vfold[i] = NULL;
	s->vnext[i] = -1;
	if (s->sgen[id] != s->gen) {
		s->sgen[id] = s->gen;
		s->sfirst[id] = (uint16_t)i;
	} else {
		/* append to the chain, keeping order */
		int k = s->sfirst[id];
		while (s->vnext[k] >= 0)
			k = s->vnext[k];
		s->vnext[k] = (int16_t)i;
	}
}

static void index_event(struct vg_sigma *s, const struct vg_event *ev)
{
	const struct vg_ruleset *rs = s->rs;

	if (++s->gen == 0) {
		memset(s->sgen, 0, NSLOT * sizeof(*s->sgen));
		s->gen = 1;
	}
	s->nview = 0;
	s->rawfold = NULL;
	vg_arena_reset(s->fa);
	for (uint32_t i = 0; i < ev->nfields; i++) {
		const struct vg_field *f = &ev->fields[i];
		uint16_t c = canon(rs, f->id);
		if (rs->used[c / 64] >> (c % 64) & 1)
			view_add(s, c, f->p, f->len,
				 (f->flags & VG_FF_NULL) != 0);
	}
	const uint16_t ls[3] = {ev->product, ev->category, ev->service};
	const uint16_t at[3] = {s->at_product, s->at_category, s->at_service};
	for (int k = 0; k < 3; k++) {
		size_t n;
		const char *v = ls[k] ? vg_intern_str(ls[k], &n) : NULL;
		if (v != NULL)
			view_add(s, at[k], v, (uint32_t)n, false);
	}
}

int sg_ev_first(struct sg_ev *e, uint16_t field)
{
	struct vg_sigma *s = e->eng;
	return s->sgen[field] == s->gen ? s->sfirst[field] : -1;
}

int sg_ev_next(struct sg_ev *e, int idx)
{
	struct vg_sigma *s = e->eng;
	return s->vnext[idx];
}

bool sg_ev_isnull(struct sg_ev *e, int idx)
{
	struct vg_sigma *s = e->eng;
	return s->vnull[idx];
}

static const char *fold(struct vg_sigma *s, const char *p, uint32_t n);

const char *sg_ev_fold(struct sg_ev *e, const char *p, uint32_t n)
{
	return fold(e->eng, p, n);
}

static const char *fold(struct vg_sigma *s, const char *p, uint32_t n)
{
	char *f = vg_arena_alloc(s->fa, n + 1);
	if (f == NULL)
		return p; /* over the bound: compare unfolded */
	vg_fold_ascii(f, p, n);
	f[n] = '\0';
	return f;
}

const char *sg_ev_val(struct sg_ev *e, int idx, uint32_t *len, bool folded)
{
	struct vg_sigma *s = e->eng;

	*len = s->vl[idx];
	if (!folded)
		return s->vp[idx];
	if (s->vfold[idx] == NULL)
		s->vfold[idx] = fold(s, s->vp[idx], s->vl[idx]);
	return s->vfold[idx];
}

const char *sg_ev_raw(struct sg_ev *e, uint32_t *len, bool folded)
{
	struct vg_sigma *s = e->eng;

	*len = e->ev->rawlen;
	if (!folded)
		return e->ev->raw;
	if (s->rawfold == NULL)
		s->rawfold = fold(s, e->ev->raw, e->ev->rawlen);
	return s->rawfold;
}

/* ---- ruleset ---- */

extern const char sg_default_mapping[];
extern const size_t sg_default_mapping_len;

static int load_placeholders(struct vg_ruleset *rs, const char *path,
			     char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	struct ynode **docs;
	size_t nd;
	char why[256];

	if (f == NULL) {
		snprintf(err, errlen, "%s: cannot open", path);
		return -1;
	}
	buf = xmalloc(1u << 20);
	n = fread(buf, 1, (1u << 20) - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *copy = vg_arena_dup(rs->a, buf, n + 1);
	free(buf);
	if (ydoc_parse(rs->a, copy, n, &docs, &nd, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "%s: %s", path, why);
		return -1;
	}
	if (nd != 1 || docs[0]->kind != Y_MAP) {
		snprintf(err, errlen, "%s: a mapping of name: [values] expected",
			 path);
		return -1;
	}
	const struct ynode *m = docs[0];
	rs->ph = vg_arena_alloc(rs->a, (m->n + 1) * sizeof(*rs->ph));
	for (size_t i = 0; i < m->n; i++) {
		struct sg_placeholder *p = &rs->ph[rs->nph++];
		const struct ynode *v = m->item[i];
		p->name = m->key[i]->s;
		p->n = 0;
		if (v->kind == Y_SCALAR) {
			p->v = vg_arena_alloc(rs->a, sizeof(char *));
			p->v[p->n++] = v->s;
		} else if (v->kind == Y_SEQ && v->n > 0) {
			p->v = vg_arena_alloc(rs->a, v->n * sizeof(char *));
			for (size_t j = 0; j < v->n; j++) {
				if (v->item[j]->kind != Y_SCALAR) {
					snprintf(err, errlen,
						 "%s:%u: a value must be a "
						 "string",
						 path, v->item[j]->line);
					return -1;
				}
				p->v[p->n++] = v->item[j]->s;
			}
		} else {
			snprintf(err, errlen, "%s:%u: a list of values expected",
				 path, v->line);
			return -1;
		}
	}
	return 0;
}

struct vg_ruleset *vg_rules_new(const struct vg_ruleset_opts *o, char *err,
				size_t errlen)
{
	struct vg_ruleset *rs = xcalloc(1, sizeof(*rs));
	const char *text = sg_default_mapping;
	size_t len = sg_default_mapping_len;
	const char *name = "built-in mapping";
	char *buf = NULL;

	vg_decode_init();
	rs->a = vg_arena_new(1u << 20, (size_t)4 << 30);
	rs->tmp = vg_arena_new(64u << 10, (size_t)1 << 30);
	rs->canon = xcalloc(NSLOT, sizeof(*rs->canon));
	rs->corr_max_groups = o && o->corr_max_groups ? o->corr_max_groups
						      : 100000;
	rs->corr_max_events = o && o->corr_max_events ? o->corr_max_events
						      : 4096;
	if (o != NULL && o->cache_dir != NULL && o->cache_dir[0] != '\0')
		rs->cache_dir = xstrdup(o->cache_dir);
	if (o != NULL && o->mapping != NULL) {
		FILE *f = fopen(o->mapping, "rb");
		if (f == NULL) {
			snprintf(err, errlen, "%s: cannot open", o->mapping);
			vg_rules_free(rs);
			return NULL;
		}
		buf = xmalloc(4u << 20);
		len = fread(buf, 1, (4u << 20) - 1, f);
		fclose(f);
		text = vg_arena_dup(rs->a, buf, len + 1);
		free(buf);
		name = o->mapping;
	}
	if (sg_mapping_load(rs, text, len, name, err, errlen) != 0 ||
	    (o != NULL && o->placeholders != NULL &&
	     load_placeholders(rs, o->placeholders, err, errlen) != 0)) {
		vg_rules_free(rs);
		return NULL;
	}
	return rs;
}

void vg_rules_free(struct vg_ruleset *rs)
{
	if (rs == NULL)
		return;
	for (uint32_t i = 0; i < rs->nre; i++)
		pcre2_code_free(rs->re[i]);
	free(rs->re);
	free(rs->cache_dir);
	if (rs->pf != NULL) {
		for (uint32_t i = 0; i < rs->pf->ndb; i++) {
			hs_free_database(rs->pf->db[i].db);
			free(rs->pf->db[i].eq);
		}
		free(rs->pf->lit_s);
		free(rs->pf->lit_len);
		free(rs->pf->lit_cased);
		free(rs->pf->db);
		free(rs->pf->lit_off);
		free(rs->pf->lit_rules);
		free(rs->pf->always);
		free(rs->pf->rd_off);
		free(rs->pf->rd);
		free(rs->pf);
	}
	free(rs->r);
	free(rs->ref);
	free(rs->filt);
	free((void *)rs->canon);
	free(rs->used);
	vg_arena_free(rs->a);
	vg_arena_free(rs->tmp);
	free(rs);
}

uint32_t vg_rules_count(const struct vg_ruleset *rs) { return rs->n; }

const struct vg_rule_info *vg_rules_info(const struct vg_ruleset *rs,
					 uint32_t i)
{
	return i < rs->n ? &rs->r[i]->info : NULL;
}

const struct vg_rule_info *vg_rules_find(const struct vg_ruleset *rs,
					 const char *key)
{
	for (uint32_t i = 0; i < rs->n; i++) {
		const struct vg_rule_info *r = &rs->r[i]->info;
		if ((r->id && strcmp(r->id, key) == 0) ||
		    (r->name && strcmp(r->name, key) == 0))
			return r;
	}
	for (uint32_t i = 0; i < rs->n; i++)
		if (strcmp(rs->r[i]->info.title, key) == 0)
			return &rs->r[i]->info;
	return NULL;
}

uint32_t vg_rules_nrefused(const struct vg_ruleset *rs) { return rs->nref; }

const struct vg_refusal *vg_rules_refused(const struct vg_ruleset *rs,
					  uint32_t i)
{
	return i < rs->nref ? &rs->ref[i] : NULL;
}

uint32_t vg_rules_unmapped(const struct vg_ruleset *rs) { return rs->unmapped; }

const char *vg_rules_cache_dir(void) { return sg_hs_cache_dir(); }

const char *vg_rules_prefilter_from(const struct vg_ruleset *rs)
{
	static const char *const w[] = {"compiled", "cache", "compiled, saved"};
	return rs->pf == NULL ? "none" : w[rs->pf_from];
}

static bool ls_eq(const char *want, const char *have)
{
	return want == NULL || (have != NULL && strcasecmp(want, have) == 0);
}

static int find_rule(const struct vg_ruleset *rs, const char *key)
{
	for (uint32_t i = 0; i < rs->n; i++) {
		const struct vg_rule_info *r = &rs->r[i]->info;
		if ((r->id && strcmp(r->id, key) == 0) ||
		    (r->name && strcmp(r->name, key) == 0))
			return (int)i;
	}
	return -1;
}

static void add_u32(struct vg_arena *a, uint32_t **v, uint32_t *n,
		    uint32_t x)
{
	uint32_t *nv = vg_arena_alloc(a, (*n + 1) * sizeof(uint32_t));
	if (*n)
		memcpy(nv, *v, *n * sizeof(uint32_t));
	nv[(*n)++] = x;
	*v = nv;
}

/* Removes rules[i] (refused late), renumbering the rest. */
static void drop_rule(struct vg_ruleset *rs, uint32_t i)
{
	memmove(&rs->r[i], &rs->r[i + 1], (rs->n - i - 1) * sizeof(*rs->r));
	rs->n--;
	for (uint32_t k = 0; k < rs->n; k++)
		rs->r[k]->info.index = k;
}

/* Correlations: resolve references (which may be other correlations),
 * refusing unknown names and cycles. Iterates until nothing changes. */
static void resolve_corr(struct vg_ruleset *rs)
{
	bool changed = true;

	while (changed) {
		changed = false;
		for (uint32_t i = 0; i < rs->n; i++) {
			struct sg_rule *r = rs->r[i];
			struct sg_corr *c = r->corr;
			if (c == NULL)
				continue;
			c->rule = vg_arena_alloc(rs->a,
						 c->nrefs * sizeof(uint32_t));
			for (uint32_t k = 0; k < c->nrefs; k++) {
				int x = find_rule(rs, c->refs[k]);
				if (x < 0 || (uint32_t)x == i) {
					sg_refuse(rs, r->info.file,
						  r->info.line, r->info.title,
						  "correlation: '%.60s' is not "
						  "a loaded rule's id or name",
						  c->refs[k]);
					drop_rule(rs, i);
					changed = true;
					break;
				}
				c->rule[k] = (uint32_t)x;
			}
			if (changed)
				break;
		}
	}
	/* Cycles: a correlation must not reach itself. */
	for (uint32_t i = 0; i < rs->n; i++) {
		uint32_t stack[256], sp = 0, seen = 0;
		if (rs->r[i]->corr == NULL)
			continue;
		stack[sp++] = i;
		bool cycle = false;
		while (sp && !cycle && seen++ < 4096) {
			struct sg_corr *c = rs->r[stack[--sp]]->corr;
			for (uint32_t k = 0; c && k < c->nrefs; k++) {
				if (c->rule[k] == i)
					cycle = true;
				else if (sp < 256 && rs->r[c->rule[k]]->corr)
					stack[sp++] = c->rule[k];
			}
		}
		if (cycle) {
			/* Refuse and start over: indices changed. */
			sg_refuse(rs, rs->r[i]->info.file, rs->r[i]->info.line,
				  rs->r[i]->info.title,
				  "correlation: rules refer to each other in a "
				  "cycle");
			drop_rule(rs, i);
			resolve_corr(rs);
			return;
		}
	}
	for (uint32_t i = 0; i < rs->n; i++) {
		struct sg_corr *c = rs->r[i]->corr;
		for (uint32_t k = 0; c && k < c->nrefs; k++) {
			struct sg_rule *t = rs->r[c->rule[k]];
			add_u32(rs->a, &t->feeds, &t->nfeeds, i);
			if (!c->generate)
				t->info.silent = true;
		}
	}
}

static void attach_filters(struct vg_ruleset *rs)
{
	for (uint32_t f = 0; f < rs->nfilt; f++) {
		struct sg_filter *x = rs->filt[f];
		for (uint32_t k = 0; k < x->nrules; k++) {
			int i = find_rule(rs, x->rules[k]);
			if (i < 0 || rs->r[i]->corr != NULL)
				continue;
			struct sg_rule *r = rs->r[i];
			struct sg_detect **nf = vg_arena_alloc(
				rs->a, (r->nfilt + 1) * sizeof(*nf));
			if (r->nfilt)
				memcpy(nf, r->filt, r->nfilt * sizeof(*nf));
			nf[r->nfilt++] = &x->det;
			r->filt = nf;
		}
	}
}

/* ---- literal extraction ---- */

struct litset {
	struct lit *l;
	uint32_t n;
	bool none; /* no literal is required */
};

static struct litset ls_none(void) { return (struct litset){.none = true}; }

/* Of two literal sets a rule could be prefiltered on, the one whose
 * shortest literal is longer, up to this length, then the smaller one: a
 * longer literal is rarer ('powershell' is in every PowerShell log; a
 * registry path is not). Measured on OTRF under SigmaHQ: 8 confirms more
 * rules in vain; 24 and 40 do equally well. */
#define LIT_LEN_CAP 24
static int ls_score(const struct litset *s)
{
	uint32_t minlen = UINT32_MAX;
	if (s->none)
		return -1000000;
	for (uint32_t i = 0; i < s->n; i++)
		if (s->l[i].len < minlen)
			minlen = s->l[i].len;
	if (minlen > LIT_LEN_CAP)
		minlen = LIT_LEN_CAP;
	return (int)minlen * 1000 - (int)s->n;
}

static struct litset ls_union(struct vg_arena *a, struct litset x,
			      struct litset y)
{
	struct litset u = {0};
	if (x.none || y.none)
		return ls_none();
	u.l = vg_arena_alloc(a, (x.n + y.n + 1) * sizeof(struct lit));
	if (x.n)
		memcpy(u.l, x.l, x.n * sizeof(struct lit));
	if (y.n)
		memcpy(u.l + x.n, y.l, y.n * sizeof(struct lit));
	u.n = x.n + y.n;
	return u;
}

/* A keyword is searched in the record; in a JSON record its characters
 * may be escaped. The prefilter looks for the literal and for its JSON
 * escaped forms ('/' escaped or not). Returns how many forms were put in
 * out[] (0: none usable, e.g. non-ASCII, which JSON may write as \u). */
static uint32_t keyword_forms(struct vg_arena *a, const struct sg_val *v,
			      struct lit *out)
{
	char *e1, *e2;
	uint32_t n1 = 0, n2 = 0;
	bool esc = false, slash = false;

	for (uint32_t i = 0; i < v->len; i++) {
		unsigned char c = (unsigned char)v->s[i];
		if (c < 0x20 || c >= 0x7f)
			return 0;
		esc |= c == '\\' || c == '"';
		slash |= c == '/';
	}
	out[0] = (struct lit){0, v->cased, v->s, v->len};
	if (!esc && !slash)
		return 1;
	e1 = vg_arena_alloc(a, 2 * v->len + 1);
	e2 = vg_arena_alloc(a, 2 * v->len + 1);
	for (uint32_t i = 0; i < v->len; i++) {
		char c = v->s[i];
		if (c == '\\' || c == '"')
			e1[n1++] = '\\', e2[n2++] = '\\';
		else if (c == '/')
			e2[n2++] = '\\';
		e1[n1++] = c;
		e2[n2++] = c;
	}
	uint32_t k = 1;
	if (esc)
		out[k++] = (struct lit){0, v->cased, e1, n1};
	if (slash)
		out[k++] = (struct lit){0, v->cased, e2, n2};
	return k;
}

static struct litset lits_fm(struct vg_arena *a, const struct sg_fm *fm)
{
	struct litset s = {0};

	if (fm->neq || fm->timepart)
		return ls_none();
	s.l = vg_arena_alloc(a, (3 * fm->nv + 1) * sizeof(struct lit));
	uint16_t *grp = vg_arena_alloc(a, (3 * fm->nv + 1) * sizeof(uint16_t));
	for (uint32_t i = 0; i < fm->nv; i++) {
		const struct sg_val *v = &fm->v[i];
		if ((v->kind > SV_GLOB && v->kind != SV_RE) || v->len == 0)
			return ls_none();
		if (fm->field == 0) {
			uint32_t k = keyword_forms(a, v, s.l + s.n);
			if (k == 0)
				return ls_none();
			for (uint32_t j = 0; j < k; j++)
				grp[s.n + j] = v->group;
			s.n += k;
			continue;
		}
		grp[s.n] = v->group;
		s.l[s.n++] = (struct lit){fm->field, v->cased, v->s, v->len,
					  v->kind == SV_EQ};
	}
	if (s.n == 0)
		return ls_none();
	if (fm->all && fm->ngroups > 1) {
		/* every group must match: the best single group suffices */
		struct litset best = ls_none();
		for (uint16_t g = 0; g < fm->ngroups; g++) {
			struct litset gs = {0};
			gs.l = vg_arena_alloc(a, (s.n + 1) * sizeof(struct lit));
			for (uint32_t i = 0; i < s.n; i++)
				if (grp[i] == g)
					gs.l[gs.n++] = s.l[i];
			if (gs.n && ls_score(&gs) > ls_score(&best))
				best = gs;
		}
		return best;
	}
	return s;
}

static struct litset lits_ident(struct vg_arena *a, const struct sg_ident *id)
{
	struct litset u = {0};
	for (uint32_t m = 0; m < id->n; m++) {
		struct litset best = ls_none();
		for (uint32_t f = 0; f < id->m[m].n; f++) {
			struct litset x = lits_fm(a, &id->m[m].f[f]);
			if (ls_score(&x) > ls_score(&best))
				best = x;
		}
		u = ls_union(a, u, best);
		if (u.none)
			return u;
	}
	return u;
}

static struct litset lits_node(struct vg_arena *a, const struct sg_detect *d,
			       uint32_t n)
{
	const struct sg_cnode *c = &d->c[n];
	struct litset r = {0}, best = ls_none();

	switch (c->op) {
	case C_NOT:
		return ls_none();
	case C_ID:
		return lits_ident(a, &d->id[c->k[0]]);
	case C_OR:
		for (uint32_t i = 0; i < c->n && !r.none; i++)
			r = ls_union(a, r, lits_node(a, d, c->k[i]));
		return r;
	case C_ONE:
		for (uint32_t i = 0; i < c->n && !r.none; i++)
			r = ls_union(a, r, lits_ident(a, &d->id[c->k[i]]));
		return r;
	case C_AND:
		for (uint32_t i = 0; i < c->n; i++) {
			struct litset x = lits_node(a, d, c->k[i]);
			if (ls_score(&x) > ls_score(&best))
				best = x;
		}
		return best;
	case C_ALL:
		for (uint32_t i = 0; i < c->n; i++) {
			struct litset x = lits_ident(a, &d->id[c->k[i]]);
			if (ls_score(&x) > ls_score(&best))
				best = x;
		}
		return best;
	}
	return ls_none();
}

/* FNV-1a of the folded text: equal under ASCII case folding, equal hash. */
static uint32_t fold_hash(const char *p, uint32_t n)
{
	uint32_t h = 2166136261u;
	for (uint32_t i = 0; i < n; i++)
		h = (h ^ sg_fold[(uint8_t)p[i]]) * 16777619u;
	return h;
}

struct ent {
	struct lit l;
	uint32_t group; /* the rule's logsource (prefilter_groups) */
	uint32_t rule;
	struct sg_val *v; /* a value told whether its literal was seen, not
			   * a literal that makes the rule a candidate */
};

static int cmp_ent(const void *x, const void *y)
{
	const struct ent *a = x, *b = y;
	if (a->l.field != b->l.field)
		return a->l.field < b->l.field ? -1 : 1;
	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	if (a->l.cased != b->l.cased)
		return a->l.cased ? 1 : -1;
	if (a->l.whole != b->l.whole)
		return a->l.whole ? 1 : -1;
	if (a->l.len != b->l.len)
		return a->l.len < b->l.len ? -1 : 1;
	int c = memcmp(a->l.s, b->l.s, a->l.len);
	if (c)
		return c;
	if (a->rule != b->rule)
		return a->rule < b->rule ? -1 : 1;
	return (a->v != NULL) - (b->v != NULL);
}

static bool same_lit(const struct ent *a, const struct ent *b)
{
	return a->l.field == b->l.field && a->group == b->group &&
	       a->l.cased == b->l.cased && a->l.whole == b->l.whole &&
	       a->l.len == b->l.len && memcmp(a->l.s, b->l.s, a->l.len) == 0;
}

static int cmpu64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Each rule's group: one per logsource (product, category, service) as
 * written. A field's literals go into one database per group, so that an
 * event is scanned only for the literals of the logsources it feeds: a
 * Windows process creation is not searched for the keywords of Linux
 * rules or of the Windows application log. */
static bool ls_same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static uint32_t *prefilter_groups(const struct vg_ruleset *rs)
{
	uint32_t *g = xcalloc(rs->n + 1, sizeof(uint32_t));
	const struct sg_rule **seen = xcalloc(rs->n + 1, sizeof(*seen));
	uint32_t nseen = 0;

	for (uint32_t i = 0; i < rs->n; i++) {
		const struct sg_rule *r = rs->r[i];
		uint32_t k = 0;
		while (k < nseen && !(ls_same(seen[k]->product, r->product) &&
				      ls_same(seen[k]->category, r->category) &&
				      ls_same(seen[k]->service, r->service)))
			k++;
		if (k == nseen)
			seen[nseen++] = r;
		g[i] = k;
	}
	free(seen);
	return g;
}

/* The values of fm whose literal is in all their matches: writes their
 * entries to out (when not NULL) and returns how many. An equality's
 * literal is the whole value; the others' is a part of it (a pattern's
 * longest run, a regular expression's longest required text). */
static uint32_t value_lits(const struct sg_fm *fm, struct ent *out,
			   uint32_t group, uint32_t rule)
{
	uint32_t n = 0;

	if (fm->field == 0 || fm->neq || fm->timepart)
		return 0;
	for (uint32_t i = 0; i < fm->nv; i++) {
		struct sg_val *v = &fm->v[i];
		if (v->kind > SV_RE || v->len == 0)
			continue;
		if (out != NULL)
			out[n] = (struct ent){{fm->field, v->cased, v->s, v->len,
					       v->kind == SV_EQ},
					      group, rule, v};
		n++;
	}
	return n;
}

static int build_prefilter(struct vg_ruleset *rs, char *err, size_t errlen)
{
	struct sg_prefilter *pf = xcalloc(1, sizeof(*pf));
	struct vg_arena *tmp = vg_arena_new(1u << 20, (size_t)2 << 30);
	struct litset *per = xcalloc(rs->n + 1, sizeof(*per));
	uint32_t total = 0;

	rs->pf = pf;
	pf->always = xcalloc(rs->n + 1, sizeof(bool));
	for (uint32_t i = 0; i < rs->n; i++) {
		if (rs->r[i]->corr != NULL) {
			per[i] = ls_none();
			continue;
		}
		per[i] = lits_node(tmp, &rs->r[i]->det, rs->r[i]->det.root);
		pf->always[i] = per[i].none;
		if (!per[i].none)
			total += per[i].n;
	}
	/* The literals of every value of a rule's own detection, so that
	 * confirming it skips the values whose literal the scan did not see
	 * (filter documents may be shared by rules of other logsources). */
	for (uint32_t i = 0; i < rs->n; i++)
		for (uint32_t k = 0; rs->r[i]->corr == NULL &&
				     k < rs->r[i]->det.nid; k++) {
			const struct sg_ident *id = &rs->r[i]->det.id[k];
			for (uint32_t m = 0; m < id->n; m++)
				for (uint32_t f = 0; f < id->m[m].n; f++)
					total += value_lits(&id->m[m].f[f], NULL,
							    0, 0);
		}
	/* Unique literals: sort (field, product, cased, text) and merge. */
	uint32_t *group = prefilter_groups(rs);
	struct ent *e = xcalloc(total + 1, sizeof(*e));
	uint32_t ne = 0;
	for (uint32_t i = 0; i < rs->n; i++) {
		for (uint32_t k = 0; !per[i].none && k < per[i].n; k++)
			e[ne++] = (struct ent){per[i].l[k], group[i], i, NULL};
		for (uint32_t k = 0; rs->r[i]->corr == NULL &&
				     k < rs->r[i]->det.nid; k++) {
			const struct sg_ident *id = &rs->r[i]->det.id[k];
			for (uint32_t m = 0; m < id->n; m++)
				for (uint32_t f = 0; f < id->m[m].n; f++)
					ne += value_lits(&id->m[m].f[f], e + ne,
							 group[i], i);
		}
	}
	free(group);
	qsort(e, ne, sizeof(*e), cmp_ent);
	/* A value's literal is kept only when it is also a candidate
	 * literal: one of its own would make every scan longer. */
	uint32_t kept = 0;
	for (uint32_t a = 0, b; a < ne; a = b) {
		bool cand = e[a].v == NULL;
		for (b = a + 1; b < ne && same_lit(&e[a], &e[b]); b++)
			cand |= e[b].v == NULL;
		for (uint32_t k = a; k < b; k++)
			if (cand)
				e[kept++] = e[k];
	}
	ne = kept;
	pf->lit_off = xcalloc(ne + 2, sizeof(uint32_t));
	pf->lit_rules = xcalloc(ne + 1, sizeof(uint32_t));
	uint32_t *lid = xcalloc(ne + 1, sizeof(uint32_t));
	uint32_t nl = 0, nr = 0;
	for (uint32_t i = 0; i < ne; i++) {
		if (i == 0 || !same_lit(&e[i], &e[i - 1]))
			pf->lit_off[nl++] = nr;
		lid[i] = nl - 1;
		if (e[i].v == NULL && (nr == pf->lit_off[nl - 1] ||
				       pf->lit_rules[nr - 1] != e[i].rule))
			pf->lit_rules[nr++] = e[i].rule;
		if (e[i].v != NULL)
			e[i].v->lit = nl; /* id + 1 */
	}
	pf->lit_off[nl] = nr;
	pf->nlit = nl;
	pf->lit_s = xcalloc(nl + 1, sizeof(char *));
	pf->lit_len = xcalloc(nl + 1, sizeof(uint32_t));
	pf->lit_cased = xcalloc(nl + 1, sizeof(bool));
	for (uint32_t k = 0; k < ne; k++) {
		pf->lit_s[lid[k]] = e[k].l.s;
		pf->lit_len[lid[k]] = e[k].l.len;
		pf->lit_cased[lid[k]] = e[k].l.cased;
	}
	/* One database per field and product; rule → databases as pairs. */
	uint32_t i = 0;
	pf->db = xcalloc(ne + 1, sizeof(*pf->db));
	struct sg_hsjob *jobs = xcalloc(ne + 1, sizeof(*jobs));
	uint64_t *pairs = xcalloc(ne + 1, sizeof(uint64_t));
	while (i < ne) {
		uint32_t j = i;
		uint16_t field = e[i].l.field;
		while (j < ne && e[j].l.field == field && e[j].group == e[i].group)
			j++;
		for (uint32_t k = i; k < j; k++)
			pairs[k] = (uint64_t)e[k].rule << 32 | pf->ndb;
		uint32_t cnt = 0;
		const char **ex = xcalloc(j - i, sizeof(char *));
		unsigned *fl = xcalloc(j - i, sizeof(unsigned));
		unsigned *ids = xcalloc(j - i, sizeof(unsigned));
		size_t *lens = xcalloc(j - i, sizeof(size_t));
		uint32_t neq = 0;
		for (uint32_t k = i; k < j; k++)
			neq += e[k].l.whole && field != 0 &&
			       (k == i || lid[k] != lid[k - 1]);
		struct fdb fd = {field, NULL, NULL, 0};
		if (neq > 0) {
			uint32_t sz = 16;
			while (sz < 2 * neq)
				sz <<= 1;
			fd.eq = xcalloc(sz, sizeof(uint32_t));
			fd.eqmask = sz - 1;
		}
		for (uint32_t k = i; k < j; k++) {
			if (k > i && lid[k] == lid[k - 1])
				continue;
			if (e[k].l.whole && field != 0) {
				uint32_t h = fold_hash(e[k].l.s, e[k].l.len);
				while (fd.eq[h & fd.eqmask])
					h++;
				fd.eq[h & fd.eqmask] = lid[k] + 1;
				fd.eqlen[e[k].l.len / 64 % 4] |=
					1ull << (e[k].l.len % 64);
				continue;
			}
			ex[cnt] = e[k].l.s;
			lens[cnt] = e[k].l.len;
			ids[cnt] = lid[k];
			fl[cnt] = HS_FLAG_SINGLEMATCH |
				  (e[k].l.cased ? 0 : HS_FLAG_CASELESS);
			cnt++;
		}
		jobs[pf->ndb] = (struct sg_hsjob){ex, fl, ids, lens, cnt};
		pf->db[pf->ndb++] = fd;
		i = j;
	}
	hs_database_t **dbs = xcalloc(pf->ndb + 1, sizeof(*dbs));
	int rc = sg_hs_build(jobs, pf->ndb, rs->cache_dir, dbs, &rs->pf_from,
			     err, errlen);
	for (uint32_t d = 0; d < pf->ndb; d++) {
		pf->db[d].db = dbs[d];
		free(jobs[d].ex), free(jobs[d].fl), free(jobs[d].ids);
		free(jobs[d].lens);
	}
	free(dbs);
	free(jobs);
	if (rc != 0) {
		free(e), free(lid), free(per), free(pairs);
		vg_arena_free(tmp);
		return -1;
	}
	/* rule → databases: the pairs sorted, duplicates dropped */
	qsort(pairs, ne, sizeof(uint64_t), cmpu64);
	pf->rd_off = xcalloc(rs->n + 2, sizeof(uint32_t));
	pf->rd = xcalloc(ne + 1, sizeof(uint32_t));
	uint32_t o = 0, k = 0;
	for (uint32_t r = 0; r < rs->n; r++) {
		pf->rd_off[r] = o;
		for (; k < ne && pairs[k] >> 32 == r; k++)
			if (o == pf->rd_off[r] ||
			    pf->rd[o - 1] != (uint32_t)pairs[k])
				pf->rd[o++] = (uint32_t)pairs[k];
	}
	free(pairs);
	pf->rd_off[rs->n] = o;
	free(e);
	free(lid);
	free(per);
	vg_arena_free(tmp);
	return 0;
}

static void use(struct vg_ruleset *rs, uint16_t id)
{
	rs->used[id / 64] |= 1ull << (id % 64);
}

static void use_detect(struct vg_ruleset *rs, const struct sg_detect *d)
{
	for (uint32_t i = 0; i < d->nid; i++)
		for (uint32_t m = 0; m < d->id[i].n; m++)
			for (uint32_t f = 0; f < d->id[i].m[m].n; f++) {
				const struct sg_fm *fm = &d->id[i].m[m].f[f];
				use(rs, fm->field);
				for (uint32_t v = 0; v < fm->nv; v++)
					if (fm->v[v].kind == SV_FIELDREF)
						use(rs, fm->v[v].ref);
			}
}

/* The Sigma names anything reads: only those fields are indexed. */
static void mark_used(struct vg_ruleset *rs)
{
	rs->used = xcalloc(NSLOT / 64, sizeof(uint64_t));
	for (uint32_t i = 0; i < rs->n; i++) {
		const struct sg_rule *r = rs->r[i];
		use_detect(rs, &r->det);
		for (uint32_t f = 0; f < r->nfilt; f++)
			use_detect(rs, r->filt[f]);
		if (r->corr != NULL) {
			const struct sg_corr *k = r->corr;
			for (uint32_t x = 0; x < k->ngroup * k->nrefs; x++)
				use(rs, k->alias_id[x]);
			use(rs, k->field_id);
		}
	}
	for (uint32_t k = 0; k < rs->map.nkeyf; k++)
		use(rs, rs->map.keyf[k]);
	for (uint32_t k = 0; k < rs->map.nsrc; k++) {
		const struct sg_src *src = &rs->map.src[k];
		for (uint32_t x = 0; x < src->when.n; x++)
			use(rs, src->when.f[x].field);
		for (uint32_t x = 0; x < src->nren; x++) {
			use(rs, src->from[x]);
			use(rs, src->to[x]);
		}
	}
	rs->used[0] &= ~1ull; /* id 0: keywords, not a field */
}

int vg_rules_compile(struct vg_ruleset *rs, char *err, size_t errlen)
{
	if (rs->compiled)
		return 0;
	resolve_corr(rs);
	attach_filters(rs);
	rs->unmapped = 0;
	for (uint32_t i = 0; i < rs->n; i++) {
		struct sg_rule *r = rs->r[i];
		if (r->corr != NULL)
			continue;
		for (uint32_t k = 0; k < rs->map.nsrc; k++) {
			const struct sg_src *s = &rs->map.src[k];
			if (ls_eq(r->product, s->product) &&
			    ls_eq(r->category, s->category) &&
			    ls_eq(r->service, s->service))
				add_u32(rs->a, &r->srcs, &r->nsrcs, k);
		}
		r->unmapped = r->nsrcs == 0;
		rs->unmapped += r->unmapped;
	}
	mark_used(rs);
	if (build_prefilter(rs, err, errlen) != 0)
		return -1;
	rs->compiled = true;
	return 0;
}

/* ---- routes ---- */

/* Route keys are short. */
static uint32_t hash(const char *p, uint32_t n)
{
	return (uint32_t)vg_hash_bytes(p, n, 0);
}

static uint32_t route_key(struct vg_sigma *s, const struct vg_event *ev,
			  char *key)
{
	const struct sg_mapping *m = &s->rs->map;
	uint32_t n = 0;

	memcpy(key, &ev->decoder, 2);
	memcpy(key + 2, &ev->product, 2);
	memcpy(key + 4, &ev->category, 2);
	memcpy(key + 6, &ev->service, 2);
	n = 8;
	for (uint32_t i = 0; i < m->nkeyf; i++) {
		int f = sg_ev_first(&s->e, m->keyf[i]);
		if (f < 0) {
			key[n++] = '\x1e';
			continue;
		}
		uint32_t l = s->vl[f];
		if (l > 120)
			l = 120;
		if (n + l + 1 >= KEYMAX)
			break;
		memcpy(key + n, s->vp[f], l);
		n += l;
		key[n++] = '\x1f';
	}
	return n;
}

static bool src_match(struct vg_sigma *s, const struct sg_src *src,
		      const struct vg_event *ev)
{
	if (src->decoders && !(src->decoders & (1u << ev->decoder)))
		return false;
	for (uint32_t i = 0; i < src->when.n; i++)
		if (!sg_fm_eval(&src->when.f[i], &s->e))
			return false;
	return true;
}

static struct route *route_build(struct vg_sigma *s, const struct vg_event *ev,
				 const char *key, uint32_t keylen)
{
	const struct vg_ruleset *rs = s->rs;
	struct vg_arena *a = s->ra;
	struct route *r = vg_arena_alloc(a, sizeof(*r));
	bool *on = xcalloc(rs->map.nsrc + 1, sizeof(bool));

	memset(r, 0, sizeof(*r));
	r->key = vg_arena_dup(a, key, keylen);
	r->keylen = keylen;
	r->srcs = vg_arena_alloc(a, (rs->map.nsrc + 1) * sizeof(uint32_t));
	for (uint32_t k = 0; k < rs->map.nsrc; k++)
		if (src_match(s, &rs->map.src[k], ev)) {
			r->srcs[r->nsrcs++] = k;
			on[k] = true;
			r->nren += rs->map.src[k].nren;
		}
	r->ren_from = vg_arena_alloc(a, (r->nren + 1) * sizeof(uint16_t));
	r->ren_to = vg_arena_alloc(a, (r->nren + 1) * sizeof(uint16_t));
	r->nren = 0;
	for (uint32_t i = 0; i < r->nsrcs; i++) {
		const struct sg_src *src = &rs->map.src[r->srcs[i]];
		for (uint32_t k = 0; k < src->nren; k++) {
			r->ren_from[r->nren] = src->from[k];
			r->ren_to[r->nren++] = src->to[k];
		}
	}
	r->rules = vg_arena_alloc(a, (rs->n + 1) * sizeof(uint32_t));
	r->always = vg_arena_alloc(a, (rs->n + 1) * sizeof(uint32_t));
	r->inroute = vg_arena_alloc(a, ((rs->n + 64) / 64) * 8);
	memset(r->inroute, 0, ((rs->n + 64) / 64) * 8);
	bool *dbon = xcalloc(rs->pf->ndb + 1, sizeof(bool));
	for (uint32_t i = 0; i < rs->n; i++) {
		const struct sg_rule *x = rs->r[i];
		bool fed = false;
		for (uint32_t k = 0; k < x->nsrcs && !fed; k++)
			fed = on[x->srcs[k]];
		if (!fed)
			continue;
		r->rules[r->nrules++] = i;
		r->inroute[i / 64] |= 1ull << (i % 64);
		if (rs->pf->always[i])
			r->always[r->nalways++] = i;
		for (uint32_t k = rs->pf->rd_off[i]; k < rs->pf->rd_off[i + 1];
		     k++)
			dbon[rs->pf->rd[k]] = true;
	}
	r->dbs = vg_arena_alloc(a, (rs->pf->ndb + 1) * sizeof(uint32_t));
	for (uint32_t d = 0; d < rs->pf->ndb; d++)
		if (dbon[d])
			r->dbs[r->ndbs++] = d;
	free(dbon);
	free(on);
	return r;
}

static struct route *route_get(struct vg_sigma *s, const struct vg_event *ev)
{
	char key[KEYMAX];
	uint32_t n = route_key(s, ev, key);
	uint32_t h;

	/* consecutive events mostly share their route */
	if (s->last != NULL && s->last->keylen == n &&
	    memcmp(s->last->key, key, n) == 0)
		return s->last;
	h = hash(key, n) % ROUTE_BUCKETS;
	for (struct route *r = s->rt[h]; r; r = r->next)
		if (r->keylen == n && memcmp(r->key, key, n) == 0)
			return s->last = r;
	if (s->nroutes >= ROUTE_MAX) {
		memset(s->rt, 0, sizeof(s->rt));
		vg_arena_reset(s->ra);
		s->nroutes = 0;
		s->last = NULL;
		h = hash(key, n) % ROUTE_BUCKETS;
	}
	struct route *r = route_build(s, ev, key, n);
	r->next = s->rt[h];
	s->rt[h] = r;
	s->nroutes++;
	return s->last = r;
}

/* ---- evaluation ---- */

struct vg_sigma *vg_sigma_new(const struct vg_ruleset *rs)
{
	struct vg_sigma *s = xcalloc(1, sizeof(*s));

	s->rs = rs;
	s->e.eng = s;
	s->sgen = xcalloc(NSLOT, sizeof(*s->sgen));
	s->sfirst = xcalloc(NSLOT, sizeof(*s->sfirst));
	s->fa = vg_arena_new(64u << 10, 64u << 20);
	s->ra = vg_arena_new(256u << 10, (size_t)1 << 30);
	s->e.md = pcre2_match_data_create(1, NULL);
	s->e.mc = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(s->e.mc, 100000);
	pcre2_set_depth_limit(s->e.mc, 1000);
	s->e.re_errors = &s->st.regex_errors;
	for (uint32_t i = 0; rs->pf && i < rs->pf->ndb; i++)
		if (rs->pf->db[i].db != NULL)
			hs_alloc_scratch(rs->pf->db[i].db, &s->scratch);
	s->litgen = xcalloc(rs->pf ? rs->pf->nlit + 1 : 1, sizeof(uint32_t));
	s->hits = xcalloc(rs->pf ? rs->pf->nlit + 1 : 1, sizeof(uint32_t));
	s->rulegen = xcalloc(rs->n + 1, sizeof(uint32_t));
	s->cand = xcalloc(rs->n + 1, sizeof(uint32_t));
	for (uint32_t i = 0; i < rs->n; i++) {
		if (rs->r[i]->det.nid > s->maxid)
			s->maxid = rs->r[i]->det.nid;
		for (uint32_t f = 0; f < rs->r[i]->nfilt; f++)
			if (rs->r[i]->filt[f]->nid > s->maxid)
				s->maxid = rs->r[i]->filt[f]->nid;
	}
	s->memo = xcalloc(s->maxid + 1, 1);
	s->at_product = vg_intern("@product", 8);
	s->at_category = vg_intern("@category", 9);
	s->at_service = vg_intern("@service", 8);
	s->cs = sg_cstate_new(rs);
	return s;
}

void vg_sigma_free(struct vg_sigma *s)
{
	if (s == NULL)
		return;
	hs_free_scratch(s->scratch);
	pcre2_match_data_free(s->e.md);
	pcre2_match_context_free(s->e.mc);
	sg_cstate_free(s->cs);
	vg_arena_free(s->fa);
	vg_arena_free(s->ra);
	free(s->sgen);
	free(s->sfirst);
	free(s->litgen);
	free(s->hits);
	free(s->rulegen);
	free(s->cand);
	free(s->memo);
	free(s);
}

const struct vg_sigma_stats *vg_sigma_stats(const struct vg_sigma *s)
{
	return &s->st;
}

static int on_hit(unsigned id, unsigned long long from, unsigned long long to,
		  unsigned flags, void *arg)
{
	struct vg_sigma *s = arg;
	(void)from, (void)to, (void)flags;
	if (s->litgen[id] != s->gen) {
		s->litgen[id] = s->gen;
		s->hits[s->nhits++] = id;
	}
	return 0;
}

/* Equalities: one hash probe for the value. */
static void eq_probe(struct vg_sigma *s, const struct sg_prefilter *pf,
		     const struct fdb *db, int i)
{
	uint32_t n = s->vl[i];

	if (!(db->eqlen[n / 64 % 4] >> (n % 64) & 1))
		return;
	const char *f = sg_ev_val(&s->e, i, &n, true);
	uint32_t h = fold_hash(s->vp[i], s->vl[i]);

	for (uint32_t id; (id = db->eq[h & db->eqmask]) != 0; h++) {
		id--;
		if (pf->lit_len[id] != n)
			continue;
		if (memcmp(pf->lit_cased[id] ? s->vp[i] : f, pf->lit_s[id], n) != 0)
			continue;
		if (s->litgen[id] != s->gen) {
			s->litgen[id] = s->gen;
			s->hits[s->nhits++] = id;
		}
	}
}

static void apply_renames(struct vg_sigma *s, const struct route *r)
{
	for (uint32_t i = 0; i < r->nren; i++) {
		uint16_t to = r->ren_to[i], from = r->ren_from[i];
		if (s->sgen[to] == s->gen) {
			s->sgen[from] = s->gen;
			s->sfirst[from] = s->sfirst[to];
		}
	}
}

static int cmpu32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static bool rule_eval(struct vg_sigma *s, const struct sg_rule *r)
{
	memset(s->memo, 0, r->det.nid);
	if (!sg_detect_eval(&r->det, &s->e, s->memo))
		return false;
	for (uint32_t f = 0; f < r->nfilt; f++) {
		memset(s->memo, 0, r->filt[f]->nid);
		if (!sg_detect_eval(r->filt[f], &s->e, s->memo))
			return false;
	}
	return true;
}

static void emit(struct vg_sigma *s, uint32_t ri, const struct vg_match *m,
		 vg_match_fn fn, void *arg)
{
	const struct sg_rule *r = s->rs->r[ri];

	if (!r->info.silent) {
		s->st.matches++;
		fn(m, arg);
	}
	for (uint32_t k = 0; k < r->nfeeds; k++)
		sg_corr_feed(s, r->feeds[k], ri, &s->e, m, fn, arg);
}

void sg_emit(struct vg_sigma *s, uint32_t ri, const struct vg_match *m,
	     vg_match_fn fn, void *arg)
{
	emit(s, ri, m, fn, arg);
}

void vg_sigma_eval(struct vg_sigma *s, const struct vg_event *ev,
		   vg_match_fn fn, void *arg)
{
	const struct vg_ruleset *rs = s->rs;
	const struct sg_prefilter *pf = rs->pf;
	struct route *r;

	s->st.events++;
	s->e.ev = ev;
	index_event(s, ev);
	s->e.litgen = s->litgen;
	s->e.gen = s->gen;
	s->e.lits = true;
	r = route_get(s, ev);
	if (r->nrules == 0) {
		sg_corr_advance(s, ev->ts, fn, arg);
		return;
	}
	apply_renames(s, r);
	/* Prefilter */
	s->nhits = 0;
	s->ncand = 0;
	for (uint32_t d = 0; d < r->ndbs; d++) {
		const struct fdb *db = &pf->db[r->dbs[d]];
		if (db->field == 0) {
			hs_scan(db->db, ev->raw, ev->rawlen, 0, s->scratch,
				on_hit, s);
			continue;
		}
		for (int i = sg_ev_first(&s->e, db->field); i >= 0;
		     i = s->vnext[i]) {
			if (db->eq != NULL)
				eq_probe(s, pf, db, i);
			if (db->db != NULL && s->vl[i] > 0)
				hs_scan(db->db, s->vp[i], s->vl[i], 0,
					s->scratch, on_hit, s);
		}
	}
	for (uint32_t h = 0; h < s->nhits; h++) {
		uint32_t lit = s->hits[h];
		for (uint32_t k = pf->lit_off[lit]; k < pf->lit_off[lit + 1];
		     k++) {
			uint32_t ri = pf->lit_rules[k];
			if (!(r->inroute[ri / 64] >> (ri % 64) & 1) ||
			    s->rulegen[ri] == s->gen)
				continue;
			s->rulegen[ri] = s->gen;
			s->cand[s->ncand++] = ri;
		}
	}
	for (uint32_t k = 0; k < r->nalways; k++)
		s->cand[s->ncand++] = r->always[k];
	if (s->ncand > 16) {
		qsort(s->cand, s->ncand, sizeof(uint32_t), cmpu32);
	} else {
		for (uint32_t i = 1; i < s->ncand; i++) {
			uint32_t x = s->cand[i], j = i;
			for (; j > 0 && s->cand[j - 1] > x; j--)
				s->cand[j] = s->cand[j - 1];
			s->cand[j] = x;
		}
	}
	s->st.prefilter_skipped += r->nrules - s->ncand;
	s->st.evaluated += s->ncand;
	for (uint32_t k = 0; k < s->ncand; k++) {
		uint32_t ri = s->cand[k];
		if (!rule_eval(s, rs->r[ri]))
			continue;
		struct vg_match m = {.rule = &rs->r[ri]->info,
				     .ev = ev,
				     .ts = ev->ts,
				     .first_ts = ev->ts};
		emit(s, ri, &m, fn, arg);
	}
	sg_corr_advance(s, ev->ts, fn, arg);
}

void vg_sigma_flush(struct vg_sigma *s, vg_match_fn fn, void *arg)
{
	sg_corr_flush(s, fn, arg);
}

int vg_sigma_save(struct vg_sigma *s, struct vg_buf *out)
{
	return sg_corr_save(s, out);
}

int vg_sigma_restore(struct vg_sigma *s, const void *data, size_t len,
		     const char **why)
{
	return sg_corr_restore(s, data, len, why);
}

/* ---- explanations ---- */

static void explain_detect(struct vg_sigma *s, const struct sg_detect *d,
			   struct vg_buf *out, const char *what)
{
	for (uint32_t i = 0; i < d->nid; i++) {
		const struct sg_ident *id = &d->id[i];
		bool any = false;
		for (uint32_t m = 0; m < id->n && !any; m++) {
			bool all = true;
			for (uint32_t f = 0; f < id->m[m].n; f++) {
				const struct sg_fm *fm = &id->m[m].f[f];
				bool ok = sg_fm_eval(fm, &s->e);
				const char *nm =
					fm->field ? fm->fname : "(keywords)";
				all &= ok;
				if (id->n != 1)
					continue;
				vg_buf_puts(out, "    ");
				vg_esc_term(out, nm, strlen(nm));
				vg_buf_printf(out, ": %s", ok ? "yes" : "no");
				if (fm->field && sg_ev_first(&s->e, fm->field) < 0)
					vg_buf_puts(out, " (the event has no "
							 "such field)");
				vg_buf_puts(out, "\n");
			}
			any = all;
		}
		vg_buf_printf(out, "  %s ", what);
		vg_esc_term(out, id->name, strlen(id->name));
		vg_buf_printf(out, ": %s\n", any ? "matches" : "does not match");
	}
}

void vg_sigma_explain(struct vg_sigma *s, uint32_t i,
		      const struct vg_event *ev, struct vg_buf *out)
{
	const struct vg_ruleset *rs = s->rs;
	const struct sg_rule *r = rs->r[i];
	struct route *rt;
	bool fed;

	s->e.ev = ev;
	s->e.lits = false; /* no scan: every value is tested */
	index_event(s, ev);
	rt = route_get(s, ev);
	apply_renames(s, rt);
	vg_buf_puts(out, "rule: ");
	vg_esc_term(out, r->info.title, strlen(r->info.title));
	vg_buf_puts(out, "\n");
	if (r->corr != NULL) {
		vg_buf_puts(out, "  a correlation rule: it counts the matches "
				 "of other rules over time, not one event\n");
		return;
	}
	const char *ls[3] = {r->product, r->category, r->service};
	static const char *const lsk[3] = {"product", "category", "service"};
	vg_buf_puts(out, "  logsource:");
	for (int k = 0; k < 3; k++) {
		vg_buf_printf(out, " %s=", lsk[k]);
		vg_esc_term(out, ls[k] ? ls[k] : "-", strlen(ls[k] ? ls[k] : "-"));
	}
	vg_buf_putc(out, '\n');
	fed = rt->inroute[i / 64] >> (i % 64) & 1;
	if (!fed) {
		vg_buf_puts(out, "  this event is not in the rule's logsource "
				 "(it feeds:");
		for (uint32_t k = 0; k < rt->nsrcs; k++) {
			const struct sg_src *src = &rs->map.src[rt->srcs[k]];
			const char *v[3] = {src->product, src->category,
					    src->service};
			for (int x = 0; x < 3; x++) {
				vg_buf_putc(out, x ? '/' : ' ');
				vg_esc_term(out, v[x] ? v[x] : "-",
					    strlen(v[x] ? v[x] : "-"));
			}
		}
		vg_buf_puts(out, rt->nsrcs ? ")\n" : " nothing)\n");
	}
	explain_detect(s, &r->det, out, "selection");
	memset(s->memo, 0, r->det.nid);
	bool ok = sg_detect_eval(&r->det, &s->e, s->memo);
	vg_buf_printf(out, "  condition: %s\n", ok ? "true" : "false");
	for (uint32_t f = 0; f < r->nfilt; f++) {
		explain_detect(s, r->filt[f], out, "filter");
		memset(s->memo, 0, r->filt[f]->nid);
		bool fo = sg_detect_eval(r->filt[f], &s->e, s->memo);
		vg_buf_printf(out, "  filter condition: %s\n",
			      fo ? "true" : "false (filtered out)");
		ok &= fo;
	}
	vg_buf_printf(out, "  result: %s\n", fed && ok ? "MATCH" : "no match");
}

struct vg_sigma_stats *sg_stats(struct vg_sigma *s) { return &s->st; }
const struct vg_ruleset *sg_rules(const struct vg_sigma *s) { return s->rs; }
struct sg_cstate *sg_cs(struct vg_sigma *s) { return s->cs; }
