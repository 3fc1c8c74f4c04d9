/* The logsource and field mapping file (etc/logsources.yaml), and the
 * placeholders file for |expand. */
#include <stdio.h>
#include <string.h>

#include "../decode/decode.h"
#include "../lib/intern.h"
#include "sg.h"

static int fail(char *err, size_t errlen, const char *name, uint32_t line,
		const char *why)
{
	snprintf(err, errlen, "%s:%u: %s", name, line, why);
	return -1;
}

static const char *scalar(const struct ynode *n)
{
	return n != NULL && n->kind == Y_SCALAR ? n->s : NULL;
}

static void add_keyf(struct vg_ruleset *rs, uint16_t f)
{
	struct sg_mapping *m = &rs->map;

	for (uint32_t i = 0; i < m->nkeyf; i++)
		if (m->keyf[i] == f)
			return;
	uint16_t *k = vg_arena_alloc(rs->a, (m->nkeyf + 1) * sizeof(*k));
	if (m->nkeyf)
		memcpy(k, m->keyf, m->nkeyf * sizeof(*k));
	k[m->nkeyf++] = f;
	m->keyf = k;
}

/* @-keys test what the decoders said; they become decoder bits or an
 * equality on the event's logsource ids, kept as pseudo fields. */
static int when_compile(struct vg_ruleset *rs, const struct ynode *w,
			struct sg_src *s, char *why, size_t whylen,
			uint32_t *line)
{
	struct sg_map *m = &s->when;

	m->f = vg_arena_alloc(rs->a, (w->n + 1) * sizeof(*m->f));
	m->n = 0;
	for (size_t i = 0; i < w->n; i++) {
		const char *k = w->key[i]->s;
		const struct ynode *v = w->item[i];
		*line = w->key[i]->line;
		if (strcmp(k, "@decoder") == 0) {
			size_t nv = v->kind == Y_SEQ ? v->n : 1;
			for (size_t j = 0; j < nv; j++) {
				const char *d = scalar(v->kind == Y_SEQ
							       ? v->item[j]
							       : v);
				int found = -1;
				for (int x = 1; d && x < VG_DEC__N; x++)
					if (strcmp(vg_decoder_name(
							   (enum vg_decoder)x),
						   d) == 0)
						found = x;
				if (found < 0) {
					snprintf(why, whylen,
						 "unknown decoder '%.40s'",
						 d ? d : "");
					return -1;
				}
				s->decoders |= 1u << found;
			}
			continue;
		}
		if (sg_fm_compile(rs, k, v, &m->f[m->n], why, whylen, line) !=
		    0)
			return -1;
		add_keyf(rs, m->f[m->n].field);
		m->n++;
	}
	return 0;
}

int sg_mapping_load(struct vg_ruleset *rs, const char *text, size_t len,
		    const char *name, char *err, size_t errlen)
{
	struct ynode **docs;
	size_t nd;
	char why[256];
	struct sg_mapping *m = &rs->map;

	if (ydoc_parse(rs->a, text, len, &docs, &nd, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "%s: %s", name, why);
		return -1;
	}
	if (nd != 1 || docs[0]->kind != Y_MAP)
		return fail(err, errlen, name, 1, "one mapping expected");
	const struct ynode *f = ymap_get(docs[0], "fields");
	const struct ynode *ls = ymap_get(docs[0], "logsources");
	for (size_t i = 0; i < docs[0]->n; i++) {
		const char *k = docs[0]->key[i]->s;
		if (strcmp(k, "fields") != 0 && strcmp(k, "logsources") != 0)
			return fail(err, errlen, name, docs[0]->key[i]->line,
				    "unknown key (fields, logsources)");
	}
	if (f != NULL) {
		const struct ynode *sp = ymap_get(f, "strip-prefix");
		const struct ynode *rn = ymap_get(f, "rename");
		if (sp != NULL && sp->kind == Y_SEQ) {
			m->prefix = vg_arena_alloc(rs->a,
						   (sp->n + 1) * sizeof(char *));
			for (size_t i = 0; i < sp->n; i++) {
				if (scalar(sp->item[i]) == NULL)
					return fail(err, errlen, name,
						    sp->item[i]->line,
						    "a prefix must be a string");
				m->prefix[m->nprefix++] = sp->item[i]->s;
			}
		}
		if (rn != NULL && rn->kind == Y_MAP) {
			m->rn_from = vg_arena_alloc(rs->a, rn->n * 2 + 2);
			m->rn_to = vg_arena_alloc(rs->a, rn->n * 2 + 2);
			for (size_t i = 0; i < rn->n; i++) {
				const char *to = scalar(rn->item[i]);
				if (to == NULL)
					return fail(err, errlen, name,
						    rn->item[i]->line,
						    "a rename must be a string");
				m->rn_from[m->nrn] = vg_intern(
					rn->key[i]->s, rn->key[i]->len);
				m->rn_to[m->nrn++] = vg_intern(to, strlen(to));
			}
		}
	}
	if (ls == NULL || ls->kind != Y_SEQ)
		return fail(err, errlen, name, 1, "'logsources' list missing");
	m->src = vg_arena_alloc(rs->a, (ls->n + 1) * sizeof(*m->src));
	memset(m->src, 0, (ls->n + 1) * sizeof(*m->src));
	for (size_t i = 0; i < ls->n; i++) {
		const struct ynode *e = ls->item[i];
		const struct ynode *l = ymap_get(e, "logsource");
		const struct ynode *w = ymap_get(e, "when");
		const struct ynode *fl = ymap_get(e, "fields");
		struct sg_src *s = &m->src[m->nsrc++];
		uint32_t line = e->line;

		if (l == NULL || l->kind != Y_MAP || w == NULL ||
		    w->kind != Y_MAP)
			return fail(err, errlen, name, e->line,
				    "an entry needs 'logsource' and 'when' "
				    "mappings");
		s->product = scalar(ymap_get(l, "product"));
		s->category = scalar(ymap_get(l, "category"));
		s->service = scalar(ymap_get(l, "service"));
		s->name = s->category   ? s->category
			  : s->service  ? s->service
			  : s->product ? s->product
				       : "?";
		if (when_compile(rs, w, s, why, sizeof(why), &line) != 0)
			return fail(err, errlen, name, line, why);
		if (fl != NULL) {
			if (fl->kind != Y_MAP)
				return fail(err, errlen, name, fl->line,
					    "'fields' must be a mapping");
			s->from = vg_arena_alloc(rs->a, fl->n * 2 + 2);
			s->to = vg_arena_alloc(rs->a, fl->n * 2 + 2);
			for (size_t j = 0; j < fl->n; j++) {
				const char *to = scalar(fl->item[j]);
				if (to == NULL)
					return fail(err, errlen, name,
						    fl->item[j]->line,
						    "a field must map to a "
						    "string");
				s->from[s->nren] = vg_intern(fl->key[j]->s,
							     fl->key[j]->len);
				s->to[s->nren++] = vg_intern(to, strlen(to));
			}
		}
	}
	return 0;
}
