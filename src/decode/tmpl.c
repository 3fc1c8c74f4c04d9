/* Template compiler and matcher (see tmpl.h). */
#include "tmpl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/intern.h"
#include "../lib/xmalloc.h"
#include "dec_internal.h"

#define MAXSEG 24
#define MAXCAP 12

enum { SEG_LIT, SEG_CAP };
enum { CHK_NONE, CHK_IP, CHK_DIGITS };

struct seg {
	uint8_t kind, greedy, check;
	uint16_t id; /* capture name, 0 = skip */
	const char *lit;
	uint32_t litlen;
	uint32_t a, z; /* the bytes a search for lit is anchored on */
};

struct tmpl {
	const struct vg_tmpl_def *def;
	uint16_t action;
	uint8_t nseg;
	struct seg seg[MAXSEG];
};

/* Templates by the first byte of their first literal (those opening
 * with a hole are in every list), each list in definition order. */
struct vg_tmpl_set {
	size_t n;
	uint16_t *by_byte[256];
	uint16_t nby[256];
	struct tmpl t[];
};

static void bad(const char *text, const char *why)
{
	fprintf(stderr, "vigie: bad template \"%s\": %s\n", text, why);
	abort();
}

static uint8_t check_for(const char *name, size_t n)
{
	static const char *const dig[] = {".port", ".pid", ".count", ".id",
					  "_code"};

	if (n >= 3 && memcmp(name + n - 3, ".ip", 3) == 0)
		return CHK_IP;
	for (size_t i = 0; i < sizeof(dig) / sizeof(dig[0]); i++) {
		size_t l = strlen(dig[i]);

		if (n >= l && memcmp(name + n - l, dig[i], l) == 0)
			return CHK_DIGITS;
	}
	return CHK_NONE;
}

static void compile_one(struct tmpl *t, const struct vg_tmpl_def *d)
{
	const char *p = d->text;

	t->def = d;
	t->action = vg_intern(d->action, strlen(d->action));
	t->nseg = 0;
	while (*p) {
		struct seg *s;

		if (t->nseg == MAXSEG)
			bad(d->text, "too many segments");
		s = &t->seg[t->nseg++];
		memset(s, 0, sizeof(*s));
		if (*p == '{') {
			const char *e = strchr(p, '}');
			size_t n;

			if (e == NULL)
				bad(d->text, "unclosed {");
			n = (size_t)(e - p - 1);
			s->kind = SEG_CAP;
			if (n > 0 && p[n] == '+') {
				s->greedy = 1;
				n--;
			}
			if (n > 0) {
				s->id = vg_intern(p + 1, n);
				s->check = check_for(p + 1, n);
			}
			if (t->nseg > 1 && t->seg[t->nseg - 2].kind == SEG_CAP)
				bad(d->text, "two holes in a row");
			p = e + 1;
		} else {
			const char *e = strchr(p, '{');

			if (e == NULL)
				e = p + strlen(p);
			s->kind = SEG_LIT;
			s->lit = p;
			s->litlen = (uint32_t)(e - p);
			vg_find_anchors(s->lit, s->litlen, &s->a, &s->z);
			p = e;
		}
	}
}

struct vg_tmpl_set *vg_tmpl_compile(const struct vg_tmpl_def *defs, size_t n)
{
	struct vg_tmpl_set *s = xcalloc(1, sizeof(*s) + n * sizeof(s->t[0]));

	s->n = n;
	for (size_t i = 0; i < n; i++)
		compile_one(&s->t[i], &defs[i]);
	for (unsigned c = 0; c < 256; c++) {
		s->by_byte[c] = xcalloc(n ? n : 1, sizeof(uint16_t));
		for (size_t i = 0; i < n; i++) {
			const struct seg *s0 = &s->t[i].seg[0];
			if (s0->kind != SEG_LIT || (unsigned char)s0->lit[0] == c)
				s->by_byte[c][s->nby[c]++] = (uint16_t)i;
		}
	}
	return s;
}

static bool check_ok(uint8_t chk, const char *p, size_t n)
{
	switch (chk) {
	case CHK_IP:
		return vg_looks_ip(p, n);
	case CHK_DIGITS:
		if (n == 0 || n > 20)
			return false;
		for (size_t i = 0; i < n; i++)
			if (!vg_isdigit(p[i]))
				return false;
		return true;
	default:
		return true;
	}
}

struct cap {
	uint16_t id;
	const char *p;
	size_t n;
	bool ip;
};

/* Backtracking budget per template and message: holes try the places
 * where the next literal occurs (first to last, or last to first for
 * {name+}) until the rest matches; a hostile line full of such literals
 * cannot make this quadratic beyond the budget. */
#define BUDGET 64

struct mstate {
	const struct tmpl *t;
	const char *m;
	size_t n;
	struct cap *caps;
	size_t nc;
	int budget;
};

/* p[0..n) == q[0..n) for the short literals of templates, without a
 * call: eight bytes a step, the last step overlapping. */
static inline bool same(const char *p, const char *q, size_t n)
{
	uint64_t x, y;

	if (n < 8) {
		for (size_t i = 0; i < n; i++)
			if (p[i] != q[i])
				return false;
		return true;
	}
	for (size_t i = 0; i + 8 < n; i += 8) {
		memcpy(&x, p + i, 8);
		memcpy(&y, q + i, 8);
		if (x != y)
			return false;
	}
	memcpy(&x, p + n - 8, 8);
	memcpy(&y, q + n - 8, 8);
	return x == y;
}

/* The first place of literal l in m[lo, hi) at or after lo (the last
 * before hi when greedy), relative to lo, or (size_t)-1. */
static inline size_t place(const struct seg *l, const char *m, size_t lo,
			   size_t hi, bool greedy)
{
	if (greedy)
		return vg_rfind_at(m + lo, hi - lo, l->lit, l->litlen, l->a,
				   l->z);
	if (l->litlen == 1) { /* mostly a space a few bytes on */
		size_t k = vg_find2(m + lo, hi - lo, l->lit[0], l->lit[0]);
		return k < hi - lo ? k : (size_t)-1;
	}
	return vg_find_at(m + lo, hi - lo, l->lit, l->litlen, l->a, l->z);
}

static bool match_from(struct mstate *st, size_t i, size_t pos)
{
	const struct tmpl *t = st->t;
	const char *m = st->m;
	size_t n = st->n;

	for (; i < t->nseg; i++) {
		const struct seg *s = &t->seg[i];

		if (s->kind == SEG_LIT) {
			if (n - pos < s->litlen ||
			    !same(m + pos, s->lit, s->litlen))
				return false;
			pos += s->litlen;
			continue;
		}
		size_t nc0 = st->nc;
		if (i + 1 == t->nseg) {
			if (!check_ok(s->check, m + pos, n - pos))
				return false;
			if (s->id != 0 && st->nc < MAXCAP)
				st->caps[st->nc++] =
					(struct cap){s->id, m + pos, n - pos,
						     s->check == CHK_IP};
			return true;
		}
		const struct seg *l = &t->seg[i + 1];
		size_t lo = pos, hi = n; /* candidate ends in [lo, hi) */
		for (;;) {
			size_t off;

			if (--st->budget < 0)
				return false;
			off = place(l, m, lo, hi, s->greedy);
			if (off == (size_t)-1)
				return false;
			size_t end = lo + off;
			st->nc = nc0;
			if (check_ok(s->check, m + pos, end - pos)) {
				if (s->id != 0 && st->nc < MAXCAP)
					st->caps[st->nc++] = (struct cap){
						s->id, m + pos, end - pos,
						s->check == CHK_IP};
				if (match_from(st, i + 1, end))
					return true;
			}
			/* Try the next place of the literal. */
			if (s->greedy) {
				if (off == 0 || end == pos)
					return false;
				hi = end + l->litlen - 1;
				if (hi <= lo)
					return false;
			} else {
				lo = end + 1;
				if (lo > n)
					return false;
			}
		}
	}
	return pos == n;
}

static bool match_one(const struct tmpl *t, const char *m, size_t n,
		      struct cap *caps, size_t *ncap)
{
	struct mstate st = {t, m, n, caps, 0, BUDGET};

	if (!match_from(&st, 0, 0))
		return false;
	*ncap = st.nc;
	return true;
}

const struct vg_tmpl_def *vg_tmpl_match(const struct vg_tmpl_set *s,
					struct vg_batch *b,
					struct vg_event *ev, const char *msg,
					size_t n)
{
	struct cap caps[MAXCAP];
	size_t nc;

	unsigned c = n ? (unsigned char)msg[0] : 0;

	for (size_t k = 0; k < s->nby[c]; k++) {
		const struct tmpl *t = &s->t[s->by_byte[c][k]];

		if (!match_one(t, msg, n, caps, &nc))
			continue;
		for (size_t j = 0; j < nc; j++) {
			if (caps[j].ip)
				vg_add_ip(b, ev, caps[j].id, caps[j].p, caps[j].n);
			else
				vg_event_add(b, ev, caps[j].id, caps[j].p,
					     caps[j].n, 0);
		}
		size_t al;
		const char *as = vg_intern_str(t->action, &al);
		vg_event_add(b, ev, VG_N_EVENT_ACTION, as, al, 0);
		if (t->def->outcome == VG_OUT_SUCCESS)
			vg_event_add_name(b, ev, VG_N_EVENT_OUTCOME,
					  VG_N_V_SUCCESS);
		else if (t->def->outcome == VG_OUT_FAILURE)
			vg_event_add_name(b, ev, VG_N_EVENT_OUTCOME,
					  VG_N_V_FAILURE);
		if (t->def->flags & VG_TF_INVALID_USER)
			vg_event_add_name(b, ev, VG_N_USER_INVALID, VG_N_V_TRUE);
		return t->def;
	}
	return NULL;
}
