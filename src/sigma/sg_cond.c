/* Sigma conditions: tokenizer and recursive-descent parser into a node
 * array, and evaluation with each search identifier computed at most once
 * per event.
 *
 *   expr    := and ('or' and)*
 *   and     := not ('and' not)*
 *   not     := 'not' not | primary
 *   primary := '(' expr ')' | ('1' | 'all') 'of' (pattern | 'them') | ident
 *
 * Bounded: 64 levels of nesting, 4096 nodes. */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sg.h"

#define MAXDEPTH 64
#define MAXNODES 4096

enum tok { T_END, T_LP, T_RP, T_AND, T_OR, T_NOT, T_ONE, T_ALL, T_OF,
	   T_THEM, T_WORD, T_PIPE, T_BAD };

struct cp {
	struct vg_arena *a;
	struct sg_detect *d;
	const char *p;
	enum tok t;
	const char *w; /* T_WORD text */
	size_t wl;
	int depth;
	uint32_t cap;
	char *why;
	size_t whylen;
};

static void next(struct cp *c)
{
	const char *p = c->p;

	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	c->w = p;
	if (*p == '\0') {
		c->t = T_END;
	} else if (*p == '(') {
		c->t = T_LP, p++;
	} else if (*p == ')') {
		c->t = T_RP, p++;
	} else if (*p == '|') {
		c->t = T_PIPE, p++;
	} else {
		const char *s = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n' &&
		       *p != '\r' && *p != '(' && *p != ')' && *p != '|')
			p++;
		size_t n = (size_t)(p - s);
		c->wl = n;
#define IS(k) (n == sizeof(k) - 1 && strncasecmp(s, k, n) == 0)
		c->t = IS("and")    ? T_AND
		       : IS("or")   ? T_OR
		       : IS("not")  ? T_NOT
		       : IS("1")    ? T_ONE
		       : IS("all")  ? T_ALL
		       : IS("of")   ? T_OF
		       : IS("them") ? T_THEM
				    : T_WORD;
#undef IS
	}
	c->p = p;
}

static int fail(struct cp *c, const char *fmt, const char *arg)
{
	snprintf(c->why, c->whylen, fmt, arg);
	return -1;
}

static int node(struct cp *c, uint8_t op, uint32_t n, uint32_t *out)
{
	struct sg_detect *d = c->d;

	if (d->nc == c->cap) {
		uint32_t nc = c->cap ? c->cap * 2 : 16;
		struct sg_cnode *x;
		if (nc > MAXNODES)
			return fail(c, "condition: too complex%s", "");
		x = vg_arena_alloc(c->a, nc * sizeof(*x));
		if (x == NULL)
			return fail(c, "out of memory%s", "");
		if (d->nc)
			memcpy(x, d->c, d->nc * sizeof(*x));
		d->c = x;
		c->cap = nc;
	}
	d->c[d->nc].op = op;
	d->c[d->nc].n = n;
	d->c[d->nc].k = n ? vg_arena_alloc(c->a, n * sizeof(uint32_t)) : NULL;
	if (n && d->c[d->nc].k == NULL)
		return fail(c, "out of memory%s", "");
	*out = d->nc++;
	return 0;
}

static int expr(struct cp *c, uint32_t *out);

static int find_ident(struct cp *c, const char *w, size_t n, uint32_t *out)
{
	for (uint32_t i = 0; i < c->d->nid; i++)
		if (strlen(c->d->id[i].name) == n &&
		    strncmp(c->d->id[i].name, w, n) == 0) {
			*out = i;
			return 0;
		}
	char name[80];
	snprintf(name, sizeof(name), "%.*s", (int)(n > 60 ? 60 : n), w);
	return fail(c, "condition names '%s', which the detection does not "
		       "define",
		    name);
}

static int quant(struct cp *c, uint32_t *out)
{
	uint8_t op = c->t == T_ONE ? C_ONE : C_ALL;
	uint32_t sel[1024], n = 0;
	char pat[128];

	next(c);
	if (c->t != T_OF)
		return fail(c, "condition: 'of' expected after '1'/'all'%s", "");
	next(c);
	if (c->t == T_THEM) {
		for (uint32_t i = 0; i < c->d->nid && n < 1024; i++)
			if (c->d->id[i].name[0] != '_')
				sel[n++] = i;
	} else if (c->t == T_WORD) {
		if (c->wl >= sizeof(pat))
			return fail(c, "condition: pattern too long%s", "");
		memcpy(pat, c->w, c->wl);
		pat[c->wl] = '\0';
		for (uint32_t i = 0; i < c->d->nid && n < 1024; i++)
			if (fnmatch(pat, c->d->id[i].name, 0) == 0)
				sel[n++] = i;
		if (n == 0)
			return fail(c, "condition: '%s' names no search "
				       "identifier",
				    pat);
	} else {
		return fail(c, "condition: a pattern or 'them' expected after "
			       "'of'%s",
			    "");
	}
	if (n == 0)
		return fail(c, "condition: 'them' names no search identifier%s",
			    "");
	if (node(c, op, n, out) != 0)
		return -1;
	memcpy(c->d->c[*out].k, sel, n * sizeof(uint32_t));
	next(c);
	return 0;
}

static int primary(struct cp *c, uint32_t *out)
{
	if (++c->depth > MAXDEPTH)
		return fail(c, "condition: nested too deep%s", "");
	switch (c->t) {
	case T_LP:
		next(c);
		if (expr(c, out) != 0)
			return -1;
		if (c->t != T_RP)
			return fail(c, "condition: ')' expected%s", "");
		next(c);
		break;
	case T_ONE:
	case T_ALL:
		if (quant(c, out) != 0)
			return -1;
		break;
	case T_WORD: {
		uint32_t id;
		if (c->wl > 1 && c->w[0] >= '0' && c->w[0] <= '9' &&
		    strspn(c->w, "0123456789") >= c->wl)
			return fail(c, "condition: only '1 of' and 'all of' "
				       "are quantifiers%s",
				    "");
		if (memchr(c->w, '*', c->wl) != NULL)
			return fail(c, "condition: a pattern needs '1 of' or "
				       "'all of'%s",
				    "");
		if (find_ident(c, c->w, c->wl, &id) != 0 ||
		    node(c, C_ID, 1, out) != 0)
			return -1;
		c->d->c[*out].k[0] = id;
		next(c);
		break;
	}
	case T_PIPE:
		return fail(c, "condition: aggregations ('| count() …') are "
			       "obsolete; use a correlation rule%s",
			    "");
	case T_END:
		return fail(c, "condition: unexpected end%s", "");
	default:
		return fail(c, "condition: unexpected '%.20s'", c->w);
	}
	c->depth--;
	return 0;
}

static int unary(struct cp *c, uint32_t *out)
{
	if (c->t == T_NOT) {
		uint32_t kid;
		if (++c->depth > MAXDEPTH)
			return fail(c, "condition: nested too deep%s", "");
		next(c);
		if (unary(c, &kid) != 0 || node(c, C_NOT, 1, out) != 0)
			return -1;
		c->d->c[*out].k[0] = kid;
		c->depth--;
		return 0;
	}
	return primary(c, out);
}

/* op-separated list of sub (an n-ary node, or the one operand). */
static int nary(struct cp *c, enum tok t, uint8_t op,
		int (*sub)(struct cp *, uint32_t *), uint32_t *out)
{
	uint32_t kids[256], n = 0;

	if (sub(c, &kids[n++]) != 0)
		return -1;
	while (c->t == t) {
		if (n == 256)
			return fail(c, "condition: too many operands%s", "");
		next(c);
		if (sub(c, &kids[n++]) != 0)
			return -1;
	}
	if (n == 1) {
		*out = kids[0];
		return 0;
	}
	if (node(c, op, n, out) != 0)
		return -1;
	memcpy(c->d->c[*out].k, kids, n * sizeof(uint32_t));
	return 0;
}

static int conj_(struct cp *c, uint32_t *out)
{
	return nary(c, T_AND, C_AND, unary, out);
}

static int expr(struct cp *c, uint32_t *out)
{
	return nary(c, T_OR, C_OR, conj_, out);
}

int sg_cond_parse(struct vg_arena *a, struct sg_detect *d, const char *s,
		  char *why, size_t whylen)
{
	struct cp c = {.a = a, .d = d, .p = s, .why = why, .whylen = whylen,
		       .cap = d->nc};
	uint32_t root;

	/* Several conditions (a YAML list) are OR-ed: the caller joins
	 * them; here, one expression. */
	next(&c);
	if (expr(&c, &root) != 0)
		return -1;
	if (c.t != T_END)
		return fail(&c, c.t == T_PIPE
					? "condition: aggregations ('| count() "
					  "…') are obsolete; use a correlation "
					  "rule%s"
					: "condition: unexpected '%.20s'",
			    c.t == T_PIPE ? "" : c.w);
	d->root = root;
	return 0;
}

static bool eval(const struct sg_detect *d, uint32_t n, struct sg_ev *e,
		 uint8_t *memo);

static bool ident(const struct sg_detect *d, uint32_t i, struct sg_ev *e,
		  uint8_t *memo)
{
	const struct sg_ident *id = &d->id[i];
	bool r = false;

	if (memo[i])
		return memo[i] == 2;
	for (uint32_t m = 0; m < id->n && !r; m++) {
		const struct sg_map *mp = &id->m[m];
		bool all = true;
		for (uint32_t f = 0; f < mp->n && all; f++)
			all = sg_fm_eval(&mp->f[f], e);
		r = all;
	}
	memo[i] = r ? 2 : 1;
	return r;
}

static bool eval(const struct sg_detect *d, uint32_t n, struct sg_ev *e,
		 uint8_t *memo)
{
	const struct sg_cnode *c = &d->c[n];

	switch (c->op) {
	case C_OR:
		for (uint32_t i = 0; i < c->n; i++)
			if (eval(d, c->k[i], e, memo))
				return true;
		return false;
	case C_AND:
		for (uint32_t i = 0; i < c->n; i++)
			if (!eval(d, c->k[i], e, memo))
				return false;
		return true;
	case C_NOT:
		return !eval(d, c->k[0], e, memo);
	case C_ID:
		return ident(d, c->k[0], e, memo);
	case C_ONE:
		for (uint32_t i = 0; i < c->n; i++)
			if (ident(d, c->k[i], e, memo))
				return true;
		return false;
	case C_ALL:
		for (uint32_t i = 0; i < c->n; i++)
			if (!ident(d, c->k[i], e, memo))
				return false;
		return true;
	}
	return false;
}

bool sg_detect_eval(const struct sg_detect *d, struct sg_ev *e, uint8_t *memo)
{
	return eval(d, d->root, e, memo);
}
