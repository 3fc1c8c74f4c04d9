/* Sigma correlation rules: per-group state in a hash table, bounded in
 * groups and in entries per group, with expiry on a timer wheel.
 *
 * A group is (correlation, group-by values). It holds the entries of its
 * window in time order: timestamp, which referenced rule, and the number
 * or the value the type needs. Windows slide: an event at time t sees the
 * entries in [t - timespan, t]. Lower-bound conditions (gt, gte, eq, neq)
 * are decided when an event arrives; a group that fires starts afresh, so
 * one burst gives one alert. Upper-bound-only conditions (lt, lte: "fewer
 * than") are decided when the window that began with the group's first
 * event closes. When the table is full the least recently touched group
 * is evicted; when a group is full its oldest entry goes. Every eviction
 * is counted. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/buf.h"
#include "../lib/find.h"
#include "../lib/intern.h"
#include "../lib/vtime.h"
#include "../lib/xmalloc.h"
#include "sg.h"

#define WHEEL 4096u /* one-second slots */
#define SEC 1000000000LL

struct centry {
	int64_t ts;
	double num;
	uint32_t ref;  /* index in the correlation's rules */
	uint64_t vh;   /* value_count: hash of the value */
};

#define KEY_INLINE 48
#define ENT_INLINE 2

struct group {
	struct group *hnext;
	struct group *lprev, *lnext; /* LRU */
	struct group *wprev, *wnext; /* wheel slot */
	uint32_t corr;
	uint64_t h;
	char *key;
	uint32_t keylen;
	struct centry *e;
	uint32_t n, cap;
	int64_t expire;
	int64_t wsec;
	char key_in[KEY_INLINE];
	struct centry e_in[ENT_INLINE];
};

struct sg_cstate {
	const struct vg_ruleset *rs;
	struct group *pool; /* freed groups, kept for reuse */
	uint32_t npool;
	/* groups come from slabs: one allocation per SLAB groups rather than
	 * one each (a million tracked addresses made malloc the cost) */
	struct group **slabs;
	uint32_t nslabs, slab_left;
	struct group **tab;
	uint32_t mask;
	uint32_t ngroups;
	struct group *lru_head, *lru_tail;
	struct group *wheel[WHEEL];
	int64_t now_sec; /* wheel position; INT64_MIN before the first */
	int64_t last_ts;
	char grp[1024];
};

struct sg_cstate *sg_cstate_new(const struct vg_ruleset *rs)
{
	struct sg_cstate *c = xcalloc(1, sizeof(*c));
	uint32_t n = 256; /* grows with the live groups (see grow) */

	c->rs = rs;
	c->tab = xcalloc(n, sizeof(*c->tab));
	c->mask = n - 1;
	c->now_sec = INT64_MIN;
	return c;
}

#define SLAB 1024u

/* Frees what a group holds outside itself. */
static void group_clear(struct group *g)
{
	if (g->key != g->key_in)
		free(g->key);
	if (g->e != g->e_in)
		free(g->e);
	g->key = g->key_in;
	g->e = g->e_in;
}

/* Gives a group back for the next one. */
static void group_release(struct sg_cstate *c, struct group *g)
{
	group_clear(g);
	g->hnext = c->pool;
	c->pool = g;
	c->npool++;
}

static struct group *group_new(struct sg_cstate *c, size_t kl)
{
	struct group *g = c->pool;

	if (g != NULL) {
		c->pool = g->hnext;
		c->npool--;
	} else {
		if (c->slab_left == 0) {
			c->slabs = xreallocarray(c->slabs, c->nslabs + 1,
						 sizeof(*c->slabs));
			c->slabs[c->nslabs++] = xmalloc(SLAB * sizeof(*g));
			c->slab_left = SLAB;
		}
		g = &c->slabs[c->nslabs - 1][--c->slab_left];
	}
	memset(g, 0, offsetof(struct group, key_in));
	g->key = kl <= KEY_INLINE ? g->key_in : xmalloc(kl + 1);
	g->e = g->e_in;
	g->cap = ENT_INLINE;
	return g;
}

void sg_cstate_free(struct sg_cstate *c)
{
	if (c == NULL)
		return;
	for (struct group *g = c->lru_head; g; g = g->lnext)
		group_clear(g);
	for (uint32_t i = 0; i < c->nslabs; i++)
		free(c->slabs[i]);
	free(c->slabs);
	free(c->tab);
	free(c);
}

static uint64_t fnv(const char *p, size_t n, uint64_t h)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)p[i]) * 1099511628211ull;
	return h;
}

static void wheel_del(struct sg_cstate *c, struct group *g)
{
	if (g->wprev)
		g->wprev->wnext = g->wnext;
	else if (c->wheel[(uint64_t)g->wsec % WHEEL] == g)
		c->wheel[(uint64_t)g->wsec % WHEEL] = g->wnext;
	if (g->wnext)
		g->wnext->wprev = g->wprev;
	g->wprev = g->wnext = NULL;
}

static void wheel_add(struct sg_cstate *c, struct group *g)
{
	int64_t sec = g->expire / SEC + 1;
	struct group **slot = &c->wheel[(uint64_t)sec % WHEEL];

	g->wsec = sec;
	g->wprev = NULL;
	g->wnext = *slot;
	if (*slot)
		(*slot)->wprev = g;
	*slot = g;
}

static void lru_del(struct sg_cstate *c, struct group *g)
{
	if (g->lprev)
		g->lprev->lnext = g->lnext;
	else
		c->lru_head = g->lnext;
	if (g->lnext)
		g->lnext->lprev = g->lprev;
	else
		c->lru_tail = g->lprev;
	g->lprev = g->lnext = NULL;
}

static void lru_touch(struct sg_cstate *c, struct group *g)
{
	if (c->lru_tail == g)
		return;
	if (g->lprev || g->lnext || c->lru_head == g)
		lru_del(c, g);
	g->lprev = c->lru_tail;
	if (c->lru_tail)
		c->lru_tail->lnext = g;
	else
		c->lru_head = g;
	c->lru_tail = g;
}

static void group_remove(struct sg_cstate *c, struct group *g)
{
	struct group **p = &c->tab[g->h & c->mask];

	while (*p && *p != g)
		p = &(*p)->hnext;
	if (*p)
		*p = g->hnext;
	wheel_del(c, g);
	lru_del(c, g);
	c->ngroups--;
	group_release(c, g);
}

/* Doubles the table when the live groups outnumber its buckets, so that
 * it stays as small (and as cache-resident) as the live state. */
static void grow(struct sg_cstate *c)
{
	uint32_t n = (c->mask + 1) * 2;
	struct group **t;

	if (c->ngroups <= c->mask + 1 || n > (1u << 22))
		return;
	t = xcalloc(n, sizeof(*t));
	for (uint32_t i = 0; i <= c->mask; i++)
		for (struct group *g = c->tab[i], *nx; g; g = nx) {
			nx = g->hnext;
			g->hnext = t[g->h & (n - 1)];
			t[g->h & (n - 1)] = g;
		}
	free(c->tab);
	c->tab = t;
	c->mask = n - 1;
}

static bool upper_only(const struct sg_corr *k)
{
	return k->has_hi && !k->has_lo && !k->has_eq && !k->has_neq;
}

static bool cond_ok(const struct sg_corr *k, double v)
{
	if (k->has_lo && !(k->lo_incl ? v >= k->lo : v > k->lo))
		return false;
	if (k->has_hi && !(k->hi_incl ? v <= k->hi : v < k->hi))
		return false;
	if (k->has_eq && v != k->eq)
		return false;
	if (k->has_neq && v == k->neq)
		return false;
	return true;
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The aggregate the condition compares; *ready false when the type's
 * own requirement (temporal) is not met. */
static double aggregate(const struct sg_corr *k, const struct group *g,
			bool *ready)
{
	*ready = true;
	switch (k->type) {
	case CT_EVENT_COUNT:
		return g->n;
	case CT_VALUE_COUNT:
		/* a repeated value replaces its older entry (see
		 * sg_corr_feed): the entries are the distinct values */
		return g->n;
	case CT_TEMPORAL: {
		uint64_t seen = 0;
		for (uint32_t i = 0; i < g->n; i++)
			seen |= 1ull << g->e[i].ref;
		double cnt = __builtin_popcountll(seen);
		if (!k->has_lo && !k->has_hi && !k->has_eq && !k->has_neq)
			*ready = cnt == k->nrefs;
		return cnt;
	}
	case CT_TEMPORAL_ORDERED: {
		uint32_t want = 0;
		for (uint32_t i = 0; i < g->n && want < k->nrefs; i++)
			if (g->e[i].ref == want)
				want++;
		*ready = want == k->nrefs;
		return want;
	}
	case CT_VALUE_SUM:
	case CT_VALUE_AVG: {
		double s = 0;
		for (uint32_t i = 0; i < g->n; i++)
			s += g->e[i].num;
		return k->type == CT_VALUE_SUM ? s : (g->n ? s / g->n : 0);
	}
	default: { /* percentile, nearest rank */
		double *v = xmalloc((g->n + 1) * sizeof(*v));
		for (uint32_t i = 0; i < g->n; i++)
			v[i] = g->e[i].num;
		qsort(v, g->n, sizeof(*v), cmpd);
		uint32_t r = (uint32_t)ceil(k->percentile / 100.0 * g->n);
		double x = g->n ? v[r ? r - 1 : 0] : 0;
		free(v);
		return x;
	}
	}
}

static bool check(const struct sg_corr *k, const struct group *g,
		  double *value)
{
	bool ready;

	if (g->n == 0)
		return false;
	*value = aggregate(k, g, &ready);
	if (!ready)
		return false;
	if (k->type == CT_TEMPORAL_ORDERED ||
	    (k->type == CT_TEMPORAL && !k->has_lo && !k->has_hi &&
	     !k->has_eq && !k->has_neq))
		return true;
	return cond_ok(k, *value);
}

static const char *group_text(struct sg_cstate *c, const struct sg_corr *k,
			      const struct group *g)
{
	size_t o = 0;
	const char *p = g->key, *end = g->key + g->keylen;

	c->grp[0] = '\0';
	for (uint32_t i = 0; i < k->ngroup && p <= end; i++) {
		const char *sep = memchr(p, '\x1f', (size_t)(end - p));
		size_t n = sep ? (size_t)(sep - p) : (size_t)(end - p);
		int w = snprintf(c->grp + o, sizeof(c->grp) - o, "%s%s=%.*s",
				 i ? ", " : "", k->group[i],
				 (int)(n > 200 ? 200 : n), p);
		if (w < 0 || (size_t)w >= sizeof(c->grp) - o)
			break;
		o += (size_t)w;
		p += n + 1;
	}
	return c->grp;
}

static void fire(struct vg_sigma *s, struct group *g,
		 const struct vg_event *ev, double value, vg_match_fn fn,
		 void *arg)
{
	struct sg_cstate *c = sg_cs(s);
	const struct vg_ruleset *rs = sg_rules(s);
	const struct sg_rule *r = rs->r[g->corr];
	struct vg_match m = {.rule = &r->info,
			     .ev = ev,
			     .ts = g->e[g->n - 1].ts,
			     .first_ts = g->e[0].ts,
			     .value = value};

	m.group = group_text(c, r->corr, g);
	sg_stats(s)->corr_fired++;
	/* Start afresh before handing on: a chained correlation may feed
	 * back into this state. */
	g->n = 0;
	sg_emit(s, g->corr, &m, fn, arg);
}

/* The value of field name f for the match being fed: from the event, or
 * from the group of the correlation that produced it. */
static bool value_of(const char *f, uint16_t fid, struct sg_ev *e,
		     const struct vg_match *m, const struct sg_corr *from,
		     const char **p, size_t *n)
{
	if (from != NULL) {
		const char *g = m->group;
		size_t fl = strlen(f);
		/* group text is "a=x, b=y": find "f=" at a boundary */
		while (g && *g) {
			if (strncmp(g, f, fl) == 0 && g[fl] == '=') {
				const char *v = g + fl + 1, *end = strstr(v, ", ");
				*p = v;
				*n = end ? (size_t)(end - v) : strlen(v);
				return true;
			}
			g = strstr(g, ", ");
			if (g)
				g += 2;
		}
		return false;
	}
	int i = fid ? sg_ev_first(e, fid) : -1;
	if (i < 0 || sg_ev_isnull(e, i))
		return false;
	uint32_t len;
	*p = sg_ev_val(e, i, &len, false);
	*n = len;
	return true;
}

void sg_corr_feed(struct vg_sigma *s, uint32_t corr, uint32_t from_rule,
		  struct sg_ev *e, const struct vg_match *m, vg_match_fn fn,
		  void *arg)
{
	struct sg_cstate *c = sg_cs(s);
	const struct vg_ruleset *rs = c->rs;
	const struct sg_corr *k = rs->r[corr]->corr;
	const struct sg_corr *from = rs->r[from_rule]->corr;
	char key[1024];
	size_t kl = 0;
	uint32_t ref = 0;
	int64_t ts = m->ts;

	for (uint32_t i = 0; i < k->nrefs; i++)
		if (k->rule[i] == from_rule)
			ref = i;
	if (ts == VG_TS_NONE)
		ts = c->last_ts;
	if (ts > c->last_ts)
		c->last_ts = ts;
	for (uint32_t gi = 0; gi < k->ngroup; gi++) {
		const char *f = k->alias[gi * k->nrefs + ref];
		uint16_t fid = k->alias_id[gi * k->nrefs + ref];
		const char *p;
		size_t n;
		if (f == NULL)
			f = k->group[gi];
		if (!value_of(f, fid, e, m, from, &p, &n))
			return; /* cannot be grouped */
		if (n > 200)
			n = 200;
		if (kl + n + 1 >= sizeof(key))
			return;
		memcpy(key + kl, p, n);
		kl += n;
		if (gi + 1 < k->ngroup)
			key[kl++] = '\x1f';
	}
	struct centry ent = {.ts = ts, .ref = ref};
	if (k->type == CT_VALUE_COUNT || k->type >= CT_VALUE_SUM) {
		const char *p;
		size_t n;
		if (!value_of(k->field, k->field_id, e, m, from, &p, &n))
			return;
		if (k->type == CT_VALUE_COUNT) {
			ent.vh = fnv(p, n, 14695981039346656037ull);
		} else {
			char tmp[64];
			char *end;
			if (n == 0 || n >= sizeof(tmp))
				return;
			memcpy(tmp, p, n);
			tmp[n] = '\0';
			ent.num = strtod(tmp, &end);
			if (*end != '\0' || isnan(ent.num))
				return;
		}
	}
	uint64_t h = vg_hash_bytes(key, kl, corr);
	struct group *g;
	for (g = c->tab[h & c->mask]; g; g = g->hnext)
		if (g->h == h && g->corr == corr && g->keylen == kl &&
		    memcmp(g->key, key, kl) == 0)
			break;
	if (g == NULL) {
		if (c->ngroups >= rs->corr_max_groups && c->lru_head) {
			group_remove(c, c->lru_head);
			sg_stats(s)->corr_evicted++;
		}
		g = group_new(c, kl);
		g->corr = corr;
		g->h = h;
		memcpy(g->key, key, kl);
		g->keylen = (uint32_t)kl;
		g->hnext = c->tab[h & c->mask];
		c->tab[h & c->mask] = g;
		c->ngroups++;
		grow(c);
		sg_stats(s)->corr_groups++;
	} else {
		wheel_del(c, g);
	}
	lru_touch(c, g);
	/* Slide: drop what is older than the newest entry's window. */
	int64_t newest = g->n && g->e[g->n - 1].ts > ts ? g->e[g->n - 1].ts
							: ts;
	int64_t lo = newest - k->timespan;
	if (ts < lo) {
		/* too late for the window: nothing to add */
	} else {
		uint32_t drop = 0;
		if (!upper_only(k))
			while (drop < g->n && g->e[drop].ts < lo)
				drop++;
		if (drop) {
			memmove(g->e, g->e + drop,
				(g->n - drop) * sizeof(*g->e));
			g->n -= drop;
		}
		if (k->type == CT_VALUE_COUNT) {
			/* a repeated value only refreshes its time */
			for (uint32_t i = 0; i < g->n; i++)
				if (g->e[i].vh == ent.vh) {
					memmove(g->e + i, g->e + i + 1,
						(g->n - i - 1) * sizeof(*g->e));
					g->n--;
					break;
				}
		}
		if (g->n == rs->corr_max_events) {
			memmove(g->e, g->e + 1, (g->n - 1) * sizeof(*g->e));
			g->n--;
			sg_stats(s)->corr_evicted++;
		}
		if (g->n == g->cap) {
			g->cap *= 2;
			if (g->e == g->e_in) {
				g->e = xreallocarray(NULL, g->cap, sizeof(*g->e));
				memcpy(g->e, g->e_in, sizeof(g->e_in));
			} else {
				g->e = xreallocarray(g->e, g->cap, sizeof(*g->e));
			}
		}
		/* insert in time order (events may come slightly late) */
		uint32_t at = g->n;
		while (at > 0 && g->e[at - 1].ts > ts)
			at--;
		memmove(g->e + at + 1, g->e + at, (g->n - at) * sizeof(*g->e));
		g->e[at] = ent;
		g->n++;
	}
	double value;
	if (!upper_only(k) && check(k, g, &value))
		fire(s, g, m->ev, value, fn, arg);
	g->expire = upper_only(k) && g->n ? g->e[0].ts + k->timespan
					  : newest + k->timespan;
	if (g->n == 0 && !upper_only(k)) {
		group_remove(c, g);
		return;
	}
	wheel_add(c, g);
}

static void expire_group(struct vg_sigma *s, struct group *g, vg_match_fn fn,
			 void *arg)
{
	struct sg_cstate *c = sg_cs(s);
	const struct sg_corr *k = c->rs->r[g->corr]->corr;
	double value;

	wheel_del(c, g);
	if (upper_only(k) && check(k, g, &value))
		fire(s, g, NULL, value, fn, arg);
	sg_stats(s)->corr_expired++;
	group_remove(c, g);
}

void sg_corr_advance(struct vg_sigma *s, int64_t now, vg_match_fn fn,
		     void *arg)
{
	struct sg_cstate *c = sg_cs(s);
	int64_t sec;

	if (c->ngroups == 0 || now == VG_TS_NONE) {
		if (now != VG_TS_NONE)
			c->now_sec = now / SEC;
		return;
	}
	sec = now / SEC;
	if (c->now_sec == INT64_MIN || sec < c->now_sec) {
		c->now_sec = sec;
		return;
	}
	int64_t from = c->now_sec + 1;
	if (sec - from >= (int64_t)WHEEL)
		from = sec - WHEEL + 1;
	for (int64_t t = from; t <= sec; t++) {
		struct group *g = c->wheel[(uint64_t)t % WHEEL], *nx;
		for (; g; g = nx) {
			nx = g->wnext;
			if (g->expire < now)
				expire_group(s, g, fn, arg);
		}
	}
	c->now_sec = sec;
}

void sg_corr_flush(struct vg_sigma *s, vg_match_fn fn, void *arg)
{
	struct sg_cstate *c = sg_cs(s);

	while (c->lru_head)
		expire_group(s, c->lru_head, fn, arg);
}

/* ---- saving and restoring the state ----
 *
 * The state is written as: "VGC1", the ruleset's fingerprint (u64), the
 * wheel position and last time (i64 each), the number of groups (u32),
 * then each group in LRU order (least recent first): correlation index
 * (u32), key length (u32) and key, expiry (i64), entry count (u32) and
 * entries (ts i64, num f64, ref u32, vh u64). Native byte order: the
 * state stays on the machine that wrote it. */

static uint64_t fingerprint(const struct vg_ruleset *rs)
{
	uint64_t h = 14695981039346656037ull;

	for (uint32_t i = 0; i < rs->n; i++) {
		const struct sg_rule *r = rs->r[i];
		const char *id = r->info.id ? r->info.id : "";
		h = fnv(id, strlen(id) + 1, h);
		h = fnv(r->info.title, strlen(r->info.title) + 1, h);
		if (r->corr != NULL)
			h = fnv((const char *)&r->corr->timespan,
				sizeof(r->corr->timespan), h ^ r->corr->type);
	}
	return fnv((const char *)&rs->corr_max_events,
		   sizeof(rs->corr_max_events), h);
}

#define PUT(b, v) vg_buf_put((b), &(v), sizeof(v))

int sg_corr_save(struct vg_sigma *s, struct vg_buf *out)
{
	struct sg_cstate *c = sg_cs(s);
	uint64_t fp = fingerprint(c->rs);
	int rc = vg_buf_put(out, "VGC1", 4);

	rc |= PUT(out, fp);
	rc |= PUT(out, c->now_sec);
	rc |= PUT(out, c->last_ts);
	rc |= PUT(out, c->ngroups);
	for (const struct group *g = c->lru_head; g && rc == 0; g = g->lnext) {
		rc |= PUT(out, g->corr);
		rc |= PUT(out, g->keylen);
		rc |= vg_buf_put(out, g->key, g->keylen);
		rc |= PUT(out, g->expire);
		rc |= PUT(out, g->n);
		for (uint32_t i = 0; i < g->n; i++) {
			rc |= PUT(out, g->e[i].ts);
			rc |= PUT(out, g->e[i].num);
			rc |= PUT(out, g->e[i].ref);
			rc |= PUT(out, g->e[i].vh);
		}
	}
	return rc ? -1 : 0;
}

struct rd {
	const uint8_t *p, *end;
};

static bool take(struct rd *r, void *v, size_t n)
{
	if ((size_t)(r->end - r->p) < n)
		return false;
	memcpy(v, r->p, n);
	r->p += n;
	return true;
}

#define TAKE(r, v) take((r), &(v), sizeof(v))

int sg_corr_restore(struct vg_sigma *s, const void *data, size_t len,
		    const char **why)
{
	struct sg_cstate *c = sg_cs(s);
	const struct vg_ruleset *rs = c->rs;
	struct rd r = {data, (const uint8_t *)data + len};
	uint64_t fp;
	uint32_t ng;
	int64_t now_sec, last_ts;
	char magic[4];

	*why = "not a correlation state";
	if (!take(&r, magic, 4) || memcmp(magic, "VGC1", 4) != 0 ||
	    !TAKE(&r, fp) || !TAKE(&r, now_sec) || !TAKE(&r, last_ts) ||
	    !TAKE(&r, ng))
		return -1;
	if (fp != fingerprint(rs)) {
		*why = "the rules changed since it was saved";
		return -1;
	}
	if (c->ngroups != 0) {
		*why = "the state is not empty";
		return -1;
	}
	*why = "the saved state is damaged";
	for (uint32_t i = 0; i < ng; i++) {
		uint32_t corr, kl, n;
		int64_t expire;
		if (!TAKE(&r, corr) || !TAKE(&r, kl) || corr >= rs->n ||
		    rs->r[corr]->corr == NULL || kl >= 1024 ||
		    (size_t)(r.end - r.p) < kl)
			goto bad;
		const char *key = (const char *)r.p;
		r.p += kl;
		if (!TAKE(&r, expire) || !TAKE(&r, n) ||
		    n > rs->corr_max_events)
			goto bad;
		struct group *g = group_new(c, kl);
		g->corr = corr;
		memcpy(g->key, key, kl);
		g->keylen = kl;
		g->h = vg_hash_bytes(key, kl, corr);
		g->expire = expire;
		while (g->cap < n)
			g->cap *= 2;
		if (g->cap > ENT_INLINE)
			g->e = xreallocarray(NULL, g->cap, sizeof(*g->e));
		for (uint32_t k = 0; k < n; k++) {
			struct centry *e = &g->e[k];
			memset(e, 0, sizeof(*e));
			if (!TAKE(&r, e->ts) || !TAKE(&r, e->num) ||
			    !TAKE(&r, e->ref) || !TAKE(&r, e->vh) ||
			    e->ref >= rs->r[corr]->corr->nrefs) {
				g->n = k;
				group_release(c, g);
				goto bad;
			}
		}
		g->n = n;
		g->hnext = c->tab[g->h & c->mask];
		c->tab[g->h & c->mask] = g;
		c->ngroups++;
		grow(c);
		lru_touch(c, g);
		wheel_add(c, g);
	}
	if (r.p != r.end)
		goto bad;
	c->now_sec = now_sec;
	c->last_ts = last_ts;
	return 0;
bad:
	while (c->lru_head)
		group_remove(c, c->lru_head);
	return -1;
}
