/* Sigma values and modifiers: compiling "field|mod|…: value(s)" into the
 * alternatives a field value is tested against, and testing them.
 *
 * A value is first read as a pattern of characters and wildcards (Sigma's
 * escapes: \* \? \\ ; a backslash before anything else is itself). The
 * modifiers then apply left to right: encodings (wide, utf16*, base64,
 * base64offset) and windash turn one pattern into several; contains,
 * startswith and endswith add the stars; the rest choose the kind of test.
 * Text is folded to ASCII lower case once here and once per event value,
 * unless |cased. */
#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../decode/decode.h"
#include "../lib/find.h"
#include "../lib/intern.h"
#include "../lib/xmalloc.h"
#include "sg.h"

#define MAXVARIANTS 65535
#define MAXPAT 65536

const uint8_t sg_fold[256] = {
#define R(x) x, x + 1, x + 2, x + 3, x + 4, x + 5, x + 6, x + 7
	R(0), R(8), R(16), R(24), R(32), R(40), R(48), R(56), 64,
	'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm',
	'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z',
	91, 92, 93, 94, 95, R(96), R(104), R(112), R(120), R(128), R(136),
	R(144), R(152), R(160), R(168), R(176), R(184), R(192), R(200),
	R(208), R(216), R(224), R(232), R(240), R(248)
#undef R
};

/* A pattern: bytes 0..255, or SG_WILD_STAR / SG_WILD_ONE. */
struct pat {
	uint16_t *c;
	uint32_t n;
};

struct pats {
	struct pat *p;
	uint32_t n, cap;
	uint16_t *group;
};

enum mod {
	M_CONTAINS = 1u << 0,
	M_STARTS = 1u << 1,
	M_ENDS = 1u << 2,
	M_ALL = 1u << 3,
	M_EXISTS = 1u << 4,
	M_CASED = 1u << 5,
	M_NEQ = 1u << 6,
	M_RE = 1u << 7,
	M_CIDR = 1u << 8,
	M_LT = 1u << 9,
	M_LTE = 1u << 10,
	M_GT = 1u << 11,
	M_GTE = 1u << 12,
	M_FIELDREF = 1u << 13,
	M_EXPAND = 1u << 14,
	M_ENC = 1u << 15, /* any encoding or windash */
};

static const char *const timeparts[] = {"", "minute", "hour", "day",
					"week", "month", "year"};

struct cstate {
	struct vg_ruleset *rs;
	char *why;
	size_t whylen;
	unsigned mods;
	unsigned re_flags;
	uint8_t timepart;
	/* encodings in order */
	char enc[16][32];
	int nenc;
};

static int why(struct cstate *c, const char *fmt, const char *arg)
{
	snprintf(c->why, c->whylen, fmt, arg);
	return -1;
}

static int parse_mods(struct cstate *c, const char *key, char *field,
		      size_t fieldlen)
{
	const char *bar = strchr(key, '|');
	size_t fl = bar ? (size_t)(bar - key) : strlen(key);
	bool after_re = false;

	if (fl >= fieldlen)
		return why(c, "field name too long: %.40s", key);
	memcpy(field, key, fl);
	field[fl] = '\0';
	while (bar != NULL) {
		const char *m = bar + 1;
		char name[32];
		size_t ml;

		bar = strchr(m, '|');
		ml = bar ? (size_t)(bar - m) : strlen(m);
		if (ml == 0 || ml >= sizeof(name))
			return why(c, "empty or overlong modifier in '%.60s'",
				   key);
		memcpy(name, m, ml);
		name[ml] = '\0';
		if (after_re && (strcmp(name, "i") == 0 ||
				 strcmp(name, "ignorecase") == 0)) {
			c->re_flags |= PCRE2_CASELESS;
			continue;
		}
		if (after_re && (strcmp(name, "m") == 0 ||
				 strcmp(name, "multiline") == 0)) {
			c->re_flags |= PCRE2_MULTILINE;
			continue;
		}
		if (after_re && (strcmp(name, "s") == 0 ||
				 strcmp(name, "dotall") == 0)) {
			c->re_flags |= PCRE2_DOTALL;
			continue;
		}
		static const struct {
			const char *n;
			unsigned m;
		} tab[] = {
			{"contains", M_CONTAINS}, {"startswith", M_STARTS},
			{"endswith", M_ENDS},	  {"all", M_ALL},
			{"exists", M_EXISTS},	  {"cased", M_CASED},
			{"neq", M_NEQ},		  {"re", M_RE},
			{"cidr", M_CIDR},	  {"lt", M_LT},
			{"lte", M_LTE},		  {"gt", M_GT},
			{"gte", M_GTE},		  {"fieldref", M_FIELDREF},
			{"expand", M_EXPAND},
		};
		unsigned bit = 0;
		for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
			if (strcmp(tab[i].n, name) == 0)
				bit = tab[i].m;
		if (bit != 0) {
			c->mods |= bit;
			after_re = bit == M_RE;
			continue;
		}
		after_re = false;
		if (strcmp(name, "base64") == 0 ||
		    strcmp(name, "base64offset") == 0 ||
		    strcmp(name, "wide") == 0 || strcmp(name, "utf16le") == 0 ||
		    strcmp(name, "utf16be") == 0 ||
		    strcmp(name, "utf16") == 0 ||
		    strcmp(name, "windash") == 0) {
			if (c->nenc == 16)
				return why(c, "too many modifiers in '%.60s'",
					   key);
			snprintf(c->enc[c->nenc++], sizeof(c->enc[0]), "%s",
				 name);
			c->mods |= M_ENC;
			continue;
		}
		for (int t = TP_MINUTE; t <= TP_YEAR; t++)
			if (strcmp(name, timeparts[t]) == 0)
				c->timepart = (uint8_t)t;
		if (c->timepart != TP_NONE)
			continue;
		return why(c, "unknown modifier: %s", name);
	}
	unsigned kinds = c->mods & (M_RE | M_CIDR | M_EXISTS | M_FIELDREF);
	unsigned num = c->mods & (M_LT | M_LTE | M_GT | M_GTE);
	unsigned shape = c->mods & (M_CONTAINS | M_STARTS | M_ENDS);
	if ((kinds & (kinds - 1)) != 0 || (kinds && num) ||
	    (num & (num - 1)) != 0)
		return why(c, "conflicting modifiers in '%.60s'", key);
	if ((shape & (shape - 1)) != 0)
		return why(c, "conflicting modifiers in '%.60s'", key);
	if ((kinds & (M_RE | M_CIDR | M_EXISTS) || num) && shape)
		return why(c, "conflicting modifiers in '%.60s'", key);
	if ((kinds || num) && (c->mods & M_ENC))
		return why(c, "an encoding cannot apply to '%.60s'", key);
	if (c->timepart && (kinds || shape || (c->mods & M_ENC)))
		return why(c, "conflicting modifiers in '%.60s'", key);
	if ((c->mods & M_NEQ) && (c->mods & M_ALL))
		return why(c, "conflicting modifiers in '%.60s'", key);
	return 0;
}

/* Sigma escapes: \* \? \\ are the character; any other \ is itself. */
static int read_pat(struct vg_arena *a, const char *s, size_t n,
		    struct pat *p)
{
	if (n > MAXPAT)
		return -1;
	p->c = vg_arena_alloc(a, (n + 1) * sizeof(uint16_t));
	if (p->c == NULL)
		return -1;
	p->n = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '\\' && i + 1 < n &&
		    (s[i + 1] == '*' || s[i + 1] == '?' || s[i + 1] == '\\')) {
			p->c[p->n++] = (unsigned char)s[++i];
		} else if (ch == '*') {
			p->c[p->n++] = SG_WILD_STAR;
		} else if (ch == '?') {
			p->c[p->n++] = SG_WILD_ONE;
		} else {
			p->c[p->n++] = ch;
		}
	}
	return 0;
}

static bool has_wild(const struct pat *p)
{
	for (uint32_t i = 0; i < p->n; i++)
		if (p->c[i] > 255)
			return true;
	return false;
}

static int pats_add(struct vg_arena *a, struct pats *ps, struct pat p,
		    uint16_t group)
{
	if (ps->n == ps->cap) {
		uint32_t nc = ps->cap ? ps->cap * 2 : 8;
		struct pat *np;
		uint16_t *ng;
		if (nc > MAXVARIANTS)
			return -1;
		np = vg_arena_alloc(a, nc * sizeof(*np));
		ng = vg_arena_alloc(a, nc * sizeof(*ng));
		if (np == NULL || ng == NULL)
			return -1;
		if (ps->n) {
			memcpy(np, ps->p, ps->n * sizeof(*np));
			memcpy(ng, ps->group, ps->n * sizeof(*ng));
		}
		ps->p = np;
		ps->group = ng;
		ps->cap = nc;
	}
	ps->p[ps->n] = p;
	ps->group[ps->n++] = group;
	return 0;
}

static struct pat pat_new(struct vg_arena *a, uint32_t cap)
{
	struct pat p = {vg_arena_alloc(a, (cap + 1) * sizeof(uint16_t)), 0};
	return p;
}

/* UTF-8 → UTF-16 code units, keeping wildcards. */
static int enc_utf16(struct vg_arena *a, const struct pat *in, struct pat *out,
		     bool be, bool bom)
{
	*out = pat_new(a, in->n * 4 + 2);
	if (out->c == NULL)
		return -1;
	if (bom) {
		out->c[out->n++] = be ? 0xfe : 0xff;
		out->c[out->n++] = be ? 0xff : 0xfe;
	}
	for (uint32_t i = 0; i < in->n;) {
		uint32_t cp, len;
		uint16_t c0 = in->c[i];
		if (c0 > 255) {
			out->c[out->n++] = c0;
			i++;
			continue;
		}
		if (c0 < 0x80) {
			cp = c0, len = 1;
		} else if ((c0 & 0xe0) == 0xc0) {
			cp = c0 & 0x1f, len = 2;
		} else if ((c0 & 0xf0) == 0xe0) {
			cp = c0 & 0x0f, len = 3;
		} else if ((c0 & 0xf8) == 0xf0) {
			cp = c0 & 0x07, len = 4;
		} else {
			return -1;
		}
		if (i + len > in->n)
			return -1;
		for (uint32_t k = 1; k < len; k++) {
			if (in->c[i + k] > 255 || (in->c[i + k] & 0xc0) != 0x80)
				return -1;
			cp = cp << 6 | (in->c[i + k] & 0x3f);
		}
		i += len;
		uint16_t u[2];
		int nu = 1;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			u[0] = (uint16_t)(0xd800 | cp >> 10);
			u[1] = (uint16_t)(0xdc00 | (cp & 0x3ff));
			nu = 2;
		} else {
			u[0] = (uint16_t)cp;
		}
		for (int k = 0; k < nu; k++) {
			out->c[out->n++] = be ? u[k] >> 8 : u[k] & 0xff;
			out->c[out->n++] = be ? u[k] & 0xff : u[k] >> 8;
		}
	}
	return 0;
}

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static uint32_t b64enc(const uint8_t *in, uint32_t n, char *out)
{
	uint32_t o = 0, i = 0;

	for (; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | in[i + 1] << 8 | in[i + 2];
		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = b64[(v >> 6) & 63];
		out[o++] = b64[v & 63];
	}
	if (i < n) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		out[o++] = '=';
	}
	return o;
}

static struct pat str_pat(struct vg_arena *a, const char *s, uint32_t n)
{
	struct pat p = pat_new(a, n);
	if (p.c != NULL)
		for (uint32_t i = 0; i < n; i++)
			p.c[p.n++] = (unsigned char)s[i];
	return p;
}

/* base64 (offset 0 only, padded) or base64offset: the three renderings of
 * the value at offsets 0, 1 and 2 of a longer base64 text, each cut to the
 * characters that do not depend on the neighbouring bytes. */
static int enc_b64(struct vg_arena *a, const struct pat *in, struct pats *out,
		   uint16_t group, bool offsets)
{
	uint32_t n = in->n;
	uint8_t *buf = vg_arena_alloc(a, n + 3);
	char *enc = vg_arena_alloc(a, (n + 3) / 3 * 4 + 8);

	if (buf == NULL || enc == NULL)
		return -1;
	if (!offsets) {
		for (uint32_t i = 0; i < n; i++)
			buf[i] = (uint8_t)in->c[i];
		uint32_t m = b64enc(buf, n, enc);
		return pats_add(a, out, str_pat(a, enc, m), group);
	}
	static const int start[3] = {0, 2, 3};
	static const int endcut[3] = {0, 3, 2}; /* by (n + i) % 3 */
	for (int i = 0; i < 3; i++) {
		memset(buf, ' ', (size_t)i);
		for (uint32_t k = 0; k < n; k++)
			buf[i + k] = (uint8_t)in->c[k];
		uint32_t m = b64enc(buf, n + (uint32_t)i, enc);
		int lo = start[i], hi = (int)m - endcut[(n + (uint32_t)i) % 3];
		if (hi <= lo)
			continue;
		if (pats_add(a, out, str_pat(a, enc + lo, (uint32_t)(hi - lo)),
			     group) != 0)
			return -1;
	}
	return 0;
}

static bool wordch(uint16_t c)
{
	return c < 256 && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || c == '_');
}

/* windash: a '-' or '/' that starts a word (after a non-word character or
 * at the start, before a word character) becomes each of - / – — ―. */
static int enc_windash(struct vg_arena *a, const struct pat *in,
		       struct pats *out, uint16_t group)
{
	static const char *const dash[5] = {"-", "/", "\xe2\x80\x93",
					    "\xe2\x80\x94", "\xe2\x80\x95"};
	uint32_t pos[4], k = 0;

	for (uint32_t i = 0; i < in->n; i++) {
		uint16_t c = in->c[i];
		if ((c == '-' || c == '/') && (i == 0 || !wordch(in->c[i - 1])) &&
		    i + 1 < in->n && wordch(in->c[i + 1])) {
			if (k == 4)
				return -2;
			pos[k++] = i;
		}
	}
	uint32_t combos = 1;
	for (uint32_t i = 0; i < k; i++)
		combos *= 5;
	for (uint32_t m = 0; m < combos; m++) {
		struct pat p = pat_new(a, in->n + 2 * k);
		uint32_t sel = m, next = 0;
		if (p.c == NULL)
			return -1;
		for (uint32_t i = 0; i < in->n; i++) {
			if (next < k && pos[next] == i) {
				const char *d = dash[sel % 5];
				sel /= 5;
				next++;
				for (; *d; d++)
					p.c[p.n++] = (unsigned char)*d;
			} else {
				p.c[p.n++] = in->c[i];
			}
		}
		if (pats_add(a, out, p, group) != 0)
			return -1;
	}
	return 0;
}

static int apply_enc(struct cstate *c, const char *enc, struct pats *ps)
{
	struct vg_arena *a = c->rs->tmp;
	struct pats out = {0};

	for (uint32_t i = 0; i < ps->n; i++) {
		struct pat *p = &ps->p[i], q;
		int rc = 0;
		if (strcmp(enc, "windash") == 0) {
			rc = enc_windash(a, p, &out, ps->group[i]);
			if (rc == -2)
				return why(c, "windash: more than 4 dashes in "
					      "one value%s",
					   "");
		} else if (strncmp(enc, "base64", 6) == 0) {
			if (has_wild(p))
				return why(c, "%s: a value with wildcards "
					      "cannot be encoded",
					   enc);
			rc = enc_b64(a, p, &out, ps->group[i],
				     strcmp(enc, "base64offset") == 0);
		} else {
			bool be = strcmp(enc, "utf16be") == 0;
			bool bom = strcmp(enc, "utf16") == 0;
			if (enc_utf16(a, p, &q, be, bom) != 0)
				return why(c, "%s: the value is not UTF-8", enc);
			rc = pats_add(a, &out, q, ps->group[i]);
		}
		if (rc != 0)
			return why(c, "%s: too many variants", enc);
	}
	*ps = out;
	return 0;
}

/* Makes an sg_val of kind EQ/CONTAINS/STARTS/ENDS/GLOB from a pattern. */
static int pat_to_val(struct vg_arena *a, const struct pat *p, bool cased,
		      struct sg_val *v)
{
	uint32_t lo = 0, hi = p->n;
	bool inner = false;

	while (lo < hi && p->c[lo] == SG_WILD_STAR)
		lo++;
	while (hi > lo && p->c[hi - 1] == SG_WILD_STAR)
		hi--;
	v->anch_start = lo == 0;
	v->anch_end = hi == p->n;
	v->cased = cased;
	for (uint32_t i = lo; i < hi; i++)
		if (p->c[i] > 255)
			inner = true;
	if (!inner) {
		char *s = vg_arena_alloc(a, hi - lo + 1);
		if (s == NULL)
			return -1;
		for (uint32_t i = lo; i < hi; i++)
			s[i - lo] = (char)(cased ? p->c[i] : sg_fold[p->c[i]]);
		s[hi - lo] = '\0';
		v->s = s;
		v->len = hi - lo;
		if (v->anch_start && v->anch_end)
			v->kind = SV_EQ;
		else if (v->anch_start)
			v->kind = SV_STARTS;
		else if (v->anch_end)
			v->kind = SV_ENDS;
		else
			v->kind = SV_CONTAINS;
		return 0;
	}
	/* Pieces between stars, with '?' flags. */
	uint32_t np = 1;
	for (uint32_t i = lo; i < hi; i++)
		if (p->c[i] == SG_WILD_STAR && (i == lo || p->c[i - 1] != SG_WILD_STAR))
			np++;
	v->pc = vg_arena_alloc(a, np * sizeof(*v->pc));
	if (v->pc == NULL)
		return -1;
	v->kind = SV_GLOB;
	v->npc = 0;
	uint32_t i = lo;
	while (i < hi) {
		uint32_t j = i;
		while (j < hi && p->c[j] != SG_WILD_STAR)
			j++;
		if (j > i) {
			struct sg_piece *pc = &v->pc[v->npc++];
			char *s = vg_arena_alloc(a, j - i + 1);
			uint8_t *q = NULL;
			if (s == NULL)
				return -1;
			for (uint32_t k = i; k < j; k++) {
				if (p->c[k] == SG_WILD_ONE) {
					if (q == NULL) {
						q = vg_arena_alloc(a, j - i);
						if (q == NULL)
							return -1;
						memset(q, 0, j - i);
					}
					q[k - i] = 1;
					s[k - i] = '?';
				} else {
					s[k - i] = (char)(cased ? p->c[k]
							       : sg_fold[p->c[k]]);
				}
			}
			s[j - i] = '\0';
			pc->s = s;
			pc->len = j - i;
			pc->q = q;
		}
		while (j < hi && p->c[j] == SG_WILD_STAR)
			j++;
		i = j;
	}
	/* The longest '?'-free run is the literal the prefilter uses. */
	for (uint16_t k = 0; k < v->npc; k++) {
		const struct sg_piece *pc = &v->pc[k];
		uint32_t run = 0, start = 0;
		for (uint32_t x = 0; x <= pc->len; x++) {
			if (x == pc->len || (pc->q && pc->q[x])) {
				if (x - start > run) {
					run = x - start;
					if (run > v->len) {
						v->s = pc->s + start;
						v->len = run;
					}
				}
				start = x + 1;
			}
		}
	}
	return 0;
}

static bool parse_num(const char *s, size_t n, double *out)
{
	char tmp[64];
	char *end;

	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	if (n == 0 || n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	*out = strtod(tmp, &end);
	while (*end == ' ')
		end++;
	return *end == '\0' && !isnan(*out);
}

static int compile_cidr(struct cstate *c, const char *s, struct sg_val *v)
{
	v->kind = SV_CIDR;
	if (vg_cidr_parse(s, &v->net) != 0)
		return why(c, "cidr: not a network: %.60s", s);
	return 0;
}

static const struct sg_placeholder *placeholder(const struct vg_ruleset *rs,
						const char *name, size_t n)
{
	for (uint32_t i = 0; i < rs->nph; i++)
		if (strlen(rs->ph[i].name) == n &&
		    strncmp(rs->ph[i].name, name, n) == 0)
			return &rs->ph[i];
	return NULL;
}

/* Replaces each %name% by each of its configured values (every
 * combination). */
static int expand(struct cstate *c, const char *s, const char ***out,
		  uint32_t *nout)
{
	struct vg_arena *a = c->rs->tmp;
	const char *pct = strchr(s, '%'), *end;
	const struct sg_placeholder *ph;

	if (pct == NULL || (end = strchr(pct + 1, '%')) == NULL) {
		*out = vg_arena_alloc(a, sizeof(char *));
		if (*out == NULL)
			return -1;
		(*out)[0] = s;
		*nout = 1;
		return 0;
	}
	ph = placeholder(c->rs, pct + 1, (size_t)(end - pct - 1));
	if (ph == NULL) {
		char name[80];
		snprintf(name, sizeof(name), "%.*s",
			 (int)(end - pct + 1 > 70 ? 70 : end - pct + 1), pct);
		return why(c,
			   "placeholder %s has no value (give a placeholders "
			   "file)",
			   name);
	}
	const char **rest;
	uint32_t nrest;
	if (expand(c, end + 1, &rest, &nrest) != 0)
		return -1;
	if ((uint64_t)ph->n * nrest > MAXVARIANTS)
		return why(c, "expand: too many variants%s", "");
	*out = vg_arena_alloc(a, (ph->n * nrest + 1) * sizeof(char *));
	if (*out == NULL)
		return -1;
	*nout = 0;
	for (uint32_t i = 0; i < ph->n; i++)
		for (uint32_t k = 0; k < nrest; k++) {
			size_t l = (size_t)(pct - s) + strlen(ph->v[i]) +
				   strlen(rest[k]) + 1;
			char *x = vg_arena_alloc(a, l);
			if (x == NULL)
				return -1;
			snprintf(x, l, "%.*s%s%s", (int)(pct - s), s, ph->v[i],
				 rest[k]);
			(*out)[(*nout)++] = x;
		}
	return 0;
}

static int add_val(struct vg_arena *a, struct sg_fm *fm, uint32_t *cap,
		   struct sg_val **v)
{
	if (fm->nv == *cap) {
		uint32_t nc = *cap ? *cap * 2 : 4;
		struct sg_val *nv;
		if (nc > MAXVARIANTS * 4)
			return -1;
		nv = vg_arena_alloc(a, nc * sizeof(*nv));
		if (nv == NULL)
			return -1;
		if (fm->nv)
			memcpy(nv, fm->v, fm->nv * sizeof(*nv));
		fm->v = nv;
		*cap = nc;
	}
	*v = &fm->v[fm->nv++];
	memset(*v, 0, sizeof(**v));
	return 0;
}

/* The longest run of plain characters that every match of a regular
 * expression must contain, for the prefilter; none (len 0) when the
 * expression has a top-level alternation or no run of 3 characters.
 * Conservative: groups, classes, escapes other than escaped punctuation,
 * and characters a quantifier makes optional end a run. */
static void re_literal(struct vg_arena *a, const char *p, size_t n,
		       unsigned flags, struct sg_val *v)
{
	char run[256], best[256];
	size_t rl = 0, bl = 0;
	bool caseless = (flags & PCRE2_CASELESS) != 0;
	size_t i = 0;

	if (n >= 4 && memcmp(p, "(?i)", 4) == 0) {
		caseless = true;
		i = 4;
	}
	/* a case flag set further on: the literal is compared folded */
	for (size_t k = 0; k + 2 < n; k++) {
		if (p[k] != '(' || p[k + 1] != '?')
			continue;
		for (size_t j = k + 2; j < n && p[j] != ':' && p[j] != ')'; j++)
			caseless |= p[j] == 'i';
	}
	for (int depth = 0; i < n; i++) { /* a top-level | defeats it */
		if (p[i] == '\\') {
			i++;
		} else if (p[i] == '[') {
			while (i + 1 < n && p[++i] != ']') {
				if (p[i] == '\\')
					i++;
			}
		} else if (p[i] == '(') {
			depth++;
		} else if (p[i] == ')') {
			depth--;
		} else if (p[i] == '|' && depth == 0) {
			return;
		}
	}
	i = caseless && n >= 4 && memcmp(p, "(?i)", 4) == 0 ? 4 : 0;
#define END_RUN()                                      \
	do {                                           \
		if (rl > bl) {                         \
			memcpy(best, run, rl);         \
			bl = rl;                       \
		}                                      \
		rl = 0;                                \
	} while (0)
	while (i < n) {
		char ch = p[i];
		int lit = -1;
		size_t adv = 1;
		if (ch == '\\' && i + 1 < n) {
			char e = p[i + 1];
			adv = 2;
			if (strchr(".\\/+*?()[]{}|^$-:\"' #=,;<>@%&!~`", e) != NULL)
				lit = (unsigned char)e;
			else if (strchr("xcpPkgNoQ0123456789", e) != NULL)
				break; /* an escape with arguments: stop here */
		} else if (ch == '{') {
			/* a quantifier's bounds are not text */
			END_RUN();
			while (i < n && p[i] != '}')
				i++;
			i++;
			continue;
		} else if (ch == '(' || ch == '[') {
			/* skip the group or class: it may be optional */
			int depth = 0;
			size_t j = i;
			for (; j < n; j++) {
				if (p[j] == '\\') {
					j++;
					continue;
				}
				if (ch == '[' && p[j] == ']' && j > i + 1)
					break;
				if (ch == '(' && p[j] == '(')
					depth++;
				if (ch == '(' && p[j] == ')' && --depth == 0)
					break;
			}
			END_RUN();
			i = j + 1;
			/* a quantifier after the group changes nothing here */
			continue;
		} else if (strchr(".^$*+?{}|)", ch) == NULL) {
			lit = (unsigned char)ch;
		}
		/* what follows: a quantifier may make this character optional */
		char q = i + adv < n ? p[i + adv] : '\0';
		bool optional = q == '?' || q == '*' ||
				(q == '{' && i + adv + 1 < n && p[i + adv + 1] == '0');
		if (lit < 0 || optional) {
			END_RUN();
		} else {
			if (rl < sizeof(run))
				run[rl++] = (char)(caseless ? sg_fold[lit] : lit);
			if (q == '+' || q == '{')
				END_RUN(); /* repeated: the run cannot go on */
		}
		i += adv;
	}
	END_RUN();
#undef END_RUN
	if (bl < 3)
		return;
	v->s = vg_arena_dup(a, best, bl);
	v->len = (uint32_t)bl;
	v->cased = !caseless;
}

static int one_value(struct cstate *c, const struct ynode *n, uint16_t group,
		     struct sg_fm *fm, uint32_t *cap, bool keyword)
{
	struct vg_arena *a = c->rs->a;
	unsigned m = c->mods;
	bool cased = (m & M_CASED) != 0;
	struct sg_val *v;

	if (n->kind != Y_SCALAR)
		return why(c, "a value must be a scalar, not a %s",
			   n->kind == Y_MAP ? "mapping" : "list");
	if (ynode_is_null(n)) {
		if (m & ~(unsigned)M_NEQ)
			return why(c, "null cannot take modifiers%s", "");
		if (keyword)
			return why(c, "a keyword cannot be null%s", "");
		if (add_val(a, fm, cap, &v) != 0)
			return -1;
		v->kind = SV_NULL;
		v->group = group;
		return 0;
	}
	if (m & M_EXISTS) {
		if (add_val(a, fm, cap, &v) != 0)
			return -1;
		v->kind = SV_EXISTS;
		if (strcmp(n->s, "true") == 0 || strcmp(n->s, "True") == 0 ||
		    strcmp(n->s, "yes") == 0)
			v->want = true;
		else if (strcmp(n->s, "false") == 0 ||
			 strcmp(n->s, "False") == 0 || strcmp(n->s, "no") == 0)
			v->want = false;
		else
			return why(c, "exists wants true or false, not %.40s",
				   n->s);
		v->group = group;
		return 0;
	}
	if (m & M_RE) {
		int err;
		PCRE2_SIZE off;
		if (add_val(a, fm, cap, &v) != 0)
			return -1;
		v->kind = SV_RE;
		v->group = group;
		v->re = pcre2_compile((PCRE2_SPTR)n->s, n->len,
				      c->re_flags | PCRE2_UTF |
					      PCRE2_MATCH_INVALID_UTF,
				      &err, &off, NULL);
		if (v->re == NULL) {
			char msg[160];
			pcre2_get_error_message(err, (PCRE2_UCHAR *)msg,
						sizeof(msg));
			return why(c, "re: %s", msg);
		}
		if (c->rs->nre == c->rs->capre) {
			c->rs->capre = c->rs->capre ? c->rs->capre * 2 : 64;
			c->rs->re = xreallocarray(c->rs->re, c->rs->capre,
						  sizeof(*c->rs->re));
		}
		c->rs->re[c->rs->nre++] = v->re;
		pcre2_jit_compile(v->re, PCRE2_JIT_COMPLETE);
		re_literal(c->rs->a, n->s, n->len, c->re_flags, v);
		return 0;
	}
	if (m & M_CIDR) {
		if (add_val(a, fm, cap, &v) != 0)
			return -1;
		v->group = group;
		return compile_cidr(c, n->s, v);
	}
	if ((m & (M_LT | M_LTE | M_GT | M_GTE)) || c->timepart) {
		if (add_val(a, fm, cap, &v) != 0)
			return -1;
		v->kind = SV_NUM;
		v->group = group;
		v->cmp = m & M_LT    ? CMP_LT
			 : m & M_LTE ? CMP_LTE
			 : m & M_GT  ? CMP_GT
			 : m & M_GTE ? CMP_GTE
				     : CMP_EQ;
		if (!parse_num(n->s, n->len, &v->num))
			return why(c, "not a number: %.40s", n->s);
		return 0;
	}
	if (m & M_FIELDREF) {
		if (add_val(a, fm, cap, &v) != 0)
			return -1;
		v->kind = SV_FIELDREF;
		v->group = group;
		v->cased = cased;
		v->cmp = m & M_CONTAINS ? SV_CONTAINS
			 : m & M_STARTS ? SV_STARTS
			 : m & M_ENDS	? SV_ENDS
					: SV_EQ;
		v->ref = vg_intern(n->s, n->len);
		if (v->ref == 0)
			return why(c, "fieldref: too many field names%s", "");
		return 0;
	}
	/* A string pattern: its forms are worked out in the scratch arena,
	 * and only the values made of them are kept. */
	struct vg_arena *t_a = c->rs->tmp;
	const char **texts;
	uint32_t ntexts = 1;
	if (m & M_EXPAND) {
		if (expand(c, n->s, &texts, &ntexts) != 0)
			return -1;
	} else {
		texts = (const char **)&n->s;
	}
	for (uint32_t t = 0; t < ntexts; t++) {
		struct pats ps = {0};
		struct pat p;
		if (read_pat(t_a, texts[t], strlen(texts[t]), &p) != 0 ||
		    pats_add(t_a, &ps, p, group) != 0)
			return why(c, "value too long%s", "");
		for (int e = 0; e < c->nenc; e++)
			if (apply_enc(c, c->enc[e], &ps) != 0)
				return -1;
		for (uint32_t i = 0; i < ps.n; i++) {
			struct pat q = ps.p[i];
			bool pre = (m & (M_CONTAINS | M_ENDS)) || keyword;
			bool post = (m & (M_CONTAINS | M_STARTS)) || keyword;
			struct pat w = pat_new(t_a, q.n + 2);
			if (w.c == NULL)
				return -1;
			if (pre)
				w.c[w.n++] = SG_WILD_STAR;
			memcpy(w.c + w.n, q.c, q.n * sizeof(uint16_t));
			w.n += q.n;
			if (post)
				w.c[w.n++] = SG_WILD_STAR;
			if (add_val(a, fm, cap, &v) != 0)
				return why(c, "too many values%s", "");
			v->group = group;
			if (pat_to_val(a, &w, cased, v) != 0)
				return -1;
		}
	}
	return 0;
}

int sg_fm_compile(struct vg_ruleset *rs, const char *key,
		  const struct ynode *val, struct sg_fm *fm, char *whybuf,
		  size_t whylen, uint32_t *line)
{
	struct cstate c = {.rs = rs, .why = whybuf, .whylen = whylen};
	char field[VG_INTERN_NAMELEN];
	uint32_t cap = 0;
	bool keyword;

	memset(fm, 0, sizeof(*fm));
	*line = val->line;
	vg_arena_reset(rs->tmp);
	if (parse_mods(&c, key, field, sizeof(field)) != 0)
		return -1;
	keyword = field[0] == '\0';
	if (keyword && (c.mods & (M_EXISTS | M_FIELDREF | M_CIDR | M_LT |
				  M_LTE | M_GT | M_GTE | M_NEQ)))
		return why(&c, "a keyword search cannot use '%.60s'", key);
	if (!keyword) {
		fm->field = vg_intern(field, strlen(field));
		if (fm->field == 0)
			return why(&c, "too many field names%s", "");
	}
	fm->fname = vg_arena_dup(rs->a, field, strlen(field) + 1);
	fm->all = (c.mods & M_ALL) != 0;
	fm->neq = (c.mods & M_NEQ) != 0;
	fm->timepart = c.timepart;
	if (val->kind == Y_SEQ) {
		if (val->n == 0)
			return why(&c, "'%.60s' has an empty list", key);
		if (val->n > MAXVARIANTS)
			return why(&c, "'%.60s' has too many values", key);
		for (size_t i = 0; i < val->n; i++) {
			*line = val->item[i]->line;
			if (ynode_is_null(val->item[i]) && val->n > 1)
				return why(&c,
					   "null cannot be one of a list of "
					   "values ('%.60s')",
					   key);
			if (one_value(&c, val->item[i], (uint16_t)i, fm, &cap,
				      keyword) != 0)
				return -1;
		}
		fm->ngroups = (uint16_t)val->n;
	} else {
		if (one_value(&c, val, 0, fm, &cap, keyword) != 0)
			return -1;
		fm->ngroups = 1;
	}
	if (fm->all && fm->ngroups > 4096)
		return why(&c, "'%.60s': all over more than 4096 values", key);
	for (uint32_t i = 0; i < fm->nv; i++)
		fm->fold |= !fm->v[i].cased && (fm->v[i].kind <= SV_GLOB ||
						fm->v[i].kind == SV_FIELDREF);
	if ((c.mods & M_EXISTS) && fm->ngroups != 1)
		return why(&c, "exists takes one value ('%.60s')", key);
	return 0;
}

/* ---- matching ---- */

static bool piece_at(const struct sg_piece *pc, const char *s)
{
	if (pc->q == NULL)
		return memcmp(pc->s, s, pc->len) == 0;
	for (uint32_t i = 0; i < pc->len; i++)
		if (!pc->q[i] && pc->s[i] != s[i])
			return false;
	return true;
}

static const char *piece_find(const struct sg_piece *pc, const char *s,
			      const char *end)
{
	if (pc->q == NULL) {
		size_t k = vg_find(s, (size_t)(end - s), pc->s, pc->len);
		return k == (size_t)-1 ? NULL : s + k;
	}
	for (; s + pc->len <= end; s++)
		if (piece_at(pc, s))
			return s;
	return NULL;
}

static bool glob(const struct sg_val *v, const char *s, uint32_t n)
{
	const char *p = s, *end = s + n;
	uint16_t i = 0, last = v->npc;

	if (v->npc == 0)
		return true;
	if (v->anch_start) {
		if (v->pc[0].len > n || !piece_at(&v->pc[0], s))
			return false;
		p += v->pc[0].len;
		i = 1;
		if (v->npc == 1 && v->anch_end)
			return p == end;
	}
	if (v->anch_end && last > i) {
		const struct sg_piece *pl = &v->pc[last - 1];
		if ((size_t)(end - p) < pl->len || !piece_at(pl, end - pl->len))
			return false;
		end -= pl->len;
		last--;
	}
	for (; i < last; i++) {
		const char *f = piece_find(&v->pc[i], p, end);
		if (f == NULL)
			return false;
		p = f + v->pc[i].len;
	}
	return true;
}

static bool num_cmp(uint8_t cmp, double x, double ref)
{
	switch (cmp) {
	case CMP_LT:
		return x < ref;
	case CMP_LTE:
		return x <= ref;
	case CMP_GT:
		return x > ref;
	case CMP_GTE:
		return x >= ref;
	default:
		return x == ref;
	}
}

static bool text_test(uint8_t kind, const char *lit, uint32_t ln,
		      const char *s, uint32_t n)
{
	switch (kind) {
	case SV_EQ:
		return n == ln && memcmp(s, lit, n) == 0;
	case SV_STARTS:
		return n >= ln && memcmp(s, lit, ln) == 0;
	case SV_ENDS:
		return n >= ln && memcmp(s + n - ln, lit, ln) == 0;
	case SV_CONTAINS:
		return vg_find(s, n, lit, ln) != (size_t)-1;
	default:
		return false;
	}
}

bool sg_val_match(const struct sg_val *v, struct sg_ev *e, const char *s,
		  uint32_t n, const char *folded)
{
	const char *t = v->cased ? s : folded;

	switch (v->kind) {
	case SV_EQ:
	case SV_STARTS:
	case SV_ENDS:
	case SV_CONTAINS:
		return text_test(v->kind, v->s, v->len, t, n);
	case SV_GLOB:
		return glob(v, t, n);
	case SV_RE: {
		int rc = pcre2_match(v->re, (PCRE2_SPTR)s, n, 0, 0, e->md,
				     e->mc);
		if (rc < PCRE2_ERROR_NOMATCH && e->re_errors != NULL)
			(*e->re_errors)++;
		return rc >= 0;
	}
	case SV_CIDR: {
		uint8_t fam, addr[16];
		return vg_ip_parse(s, n, &fam, addr) &&
		       vg_cidr_match(&v->net, fam, addr);
	}
	case SV_NUM: {
		double x;
		return parse_num(s, n, &x) && num_cmp(v->cmp, x, v->num);
	}
	case SV_FIELDREF:
		for (int i = sg_ev_first(e, v->ref); i >= 0;
		     i = sg_ev_next(e, i)) {
			uint32_t rn;
			const char *r = sg_ev_val(e, i, &rn, !v->cased);
			if (r != NULL && text_test(v->cmp, r, rn, t, n))
				return true;
		}
		return false;
	default:
		return false;
	}
}

static bool digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

/* Date parts: the value is read as "YYYY-MM-DD[T ]hh:mm…". */
static bool time_part(const char *s, uint32_t n, uint8_t part, char *out,
		      uint32_t *on)
{
	struct tm tm = {0};
	int y, mo, d, h = 0, mi = 0, v;

	if (n < 10 || !digits(s, 4, &y) || s[4] != '-' ||
	    !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d))
		return false;
	if (n >= 16 && (s[10] == 'T' || s[10] == ' ') &&
	    (!digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi)))
		return false;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	time_t t = timegm(&tm);
	gmtime_r(&t, &tm);
	switch (part) {
	case TP_MINUTE:
		v = tm.tm_min;
		break;
	case TP_HOUR:
		v = tm.tm_hour;
		break;
	case TP_DAY:
		v = tm.tm_mday;
		break;
	case TP_WEEK: {
		char w[8];
		strftime(w, sizeof(w), "%V", &tm);
		digits(w, 2, &v);
		break;
	}
	case TP_MONTH:
		v = tm.tm_mon + 1;
		break;
	default:
		v = tm.tm_year + 1900;
		break;
	}
	*on = (uint32_t)snprintf(out, 16, "%d", v);
	return true;
}

/* The event's scan did not see the value's literal (a literal of its
 * field's database, which every match holds): the value cannot match. */
static inline bool lit_unseen(const struct sg_val *v, const struct sg_ev *e)
{
	return v->lit != 0 && e->lits && e->litgen[v->lit - 1] != e->gen;
}

/* For |all: false when some group has no value that could match, every
 * one of them wanting a literal the event's scan did not see; then no
 * value of the field is searched (a PowerShell script block is long, and
 * the group that cannot match is often the last one). Uses seen[] as
 * scratch and leaves it cleared. */
static bool all_possible(const struct sg_fm *fm, const struct sg_ev *e,
			 uint64_t *seen)
{
	uint32_t nw = (fm->ngroups + 63u) / 64u, have = 0;
	bool ok;

	for (uint32_t k = 0; k < fm->nv; k++) {
		const struct sg_val *v = &fm->v[k];
		if (seen[v->group / 64] >> (v->group % 64) & 1)
			continue;
		if (lit_unseen(v, e))
			continue;
		seen[v->group / 64] |= 1ull << (v->group % 64);
		have++;
	}
	ok = have == fm->ngroups;
	memset(seen, 0, nw * 8u);
	return ok;
}

bool sg_fm_eval(const struct sg_fm *fm, struct sg_ev *e)
{
	uint64_t seen[64]; /* groups matched, for |all (up to 4096) */
	uint32_t nseen = 0;
	bool any = false, multi = fm->all && fm->ngroups > 1;

	if (fm->nv == 0)
		return false;
	if (fm->v[0].kind == SV_EXISTS)
		return (sg_ev_first(e, fm->field) >= 0) == fm->v[0].want;
	if (fm->v[0].kind == SV_NULL) {
		bool isnull = true;
		for (int i = sg_ev_first(e, fm->field); i >= 0;
		     i = sg_ev_next(e, i))
			if (!sg_ev_isnull(e, i))
				isnull = false;
		return fm->neq ? !isnull : isnull;
	}
	if (multi) {
		memset(seen, 0, ((fm->ngroups + 63u) / 64u) * 8u);
		if (e->lits && !all_possible(fm, e, seen))
			return fm->neq && sg_ev_first(e, fm->field) >= 0;
	}
	if (fm->field == 0) {
		/* Keyword: the whole record, then each value (a JSON record's
		 * raw text holds escapes). */
		uint32_t n;
		const char *raw = sg_ev_raw(e, &n, false);
		const char *fr = fm->fold ? sg_ev_raw(e, &n, true) : raw;
		for (uint32_t k = 0; k < fm->nv; k++) {
			const struct sg_val *v = &fm->v[k];
			bool hit;
			if (multi && (seen[v->group / 64] >> (v->group % 64) & 1))
				continue;
			hit = sg_val_match(v, e, raw, n, fr);
			for (uint32_t i = 0; !hit && e->ev->decoder ==
							     VG_DEC_JSON &&
					     i < e->ev->nfields;
			     i++) {
				const struct vg_field *f = &e->ev->fields[i];
				if (f->flags & VG_FF_NULL)
					continue;
				hit = sg_val_match(v, e, f->p, f->len,
						   fm->fold ? sg_ev_fold(e, f->p, f->len)
							    : f->p);
			}
			if (hit) {
				if (!multi)
					return true;
				seen[v->group / 64] |= 1ull << (v->group % 64);
				nseen++;
			}
		}
		return multi && nseen == fm->ngroups;
	}
	for (int i = sg_ev_first(e, fm->field); i >= 0; i = sg_ev_next(e, i)) {
		uint32_t n;
		const char *s, *f;
		char tp[16];

		if (sg_ev_isnull(e, i))
			continue;
		s = sg_ev_val(e, i, &n, false);
		f = fm->fold ? sg_ev_val(e, i, &n, true) : s;
		if (fm->timepart) {
			if (!time_part(s, n, fm->timepart, tp, &n))
				continue;
			s = f = tp;
		}
		for (uint32_t k = 0; k < fm->nv; k++) {
			const struct sg_val *v = &fm->v[k];
			if (multi && (seen[v->group / 64] >> (v->group % 64) & 1))
				continue;
			if (lit_unseen(v, e))
				continue;
			if (!sg_val_match(v, e, s, n, f))
				continue;
			if (!multi) {
				any = true;
				break;
			}
			seen[v->group / 64] |= 1ull << (v->group % 64);
			nseen++;
		}
		if (any || (multi && nseen == fm->ngroups))
			break;
	}
	if (multi)
		any = nseen == fm->ngroups;
	if (fm->neq)
		return sg_ev_first(e, fm->field) >= 0 && !any;
	return any;
}
