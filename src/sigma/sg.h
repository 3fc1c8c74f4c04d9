/* Sigma internals shared by the loader, the matcher and the engine. */
#ifndef VG_SG_H
#define VG_SG_H
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdatomic.h>

#include "../lib/arena.h"
#include "../lib/cidr.h"
#include "../lib/ydoc.h"
#include "sg_hscache.h"
#include "sigma.h"

#define SG_WILD_STAR 256 /* in a pattern of uint16 "characters" */
#define SG_WILD_ONE 257

enum sv_kind {
	SV_EQ,
	SV_CONTAINS,
	SV_STARTS,
	SV_ENDS,
	SV_GLOB,
	SV_RE,
	SV_CIDR,
	SV_NUM,
	SV_EXISTS,
	SV_NULL,
	SV_FIELDREF,
};

enum sv_cmp { CMP_EQ, CMP_LT, CMP_LTE, CMP_GT, CMP_GTE };

/* A glob piece between stars; '?' positions are marked in q. */
struct sg_piece {
	const char *s;
	uint32_t len;
	const uint8_t *q; /* NULL, or len flags: 1 = any byte */
};

/* One alternative a field value may match. */
struct sg_val {
	uint8_t kind;    /* sv_kind */
	uint8_t cmp;     /* SV_NUM: sv_cmp; SV_FIELDREF: SV_EQ/CONTAINS/… */
	bool cased;
	bool want;       /* SV_EXISTS */
	uint16_t group;  /* index of the value it came from (for |all) */
	uint16_t ref;    /* SV_FIELDREF: the other field */
	const char *s;   /* literal, folded unless cased */
	uint32_t len;
	struct sg_piece *pc; /* SV_GLOB */
	uint16_t npc;
	bool anch_start, anch_end;
	pcre2_code *re;
	struct vg_cidr net; /* SV_CIDR */
	double num;
	/* The id + 1 of this value's literal in the prefilter of its field,
	 * or 0. The literal is in every match; when the event's scan did not
	 * see it, the value cannot match and is not tested. */
	uint32_t lit;
};

enum sg_timepart { TP_NONE, TP_MINUTE, TP_HOUR, TP_DAY, TP_WEEK, TP_MONTH,
		   TP_YEAR };

/* field|modifiers: values. field 0 is a keyword search. */
struct sg_fm {
	uint16_t field;
	const char *fname; /* as written, for explanations */
	bool all, neq;
	bool fold; /* some value compares folded text */
	uint8_t timepart;
	uint16_t ngroups;
	struct sg_val *v;
	uint32_t nv;
};

struct sg_map { /* AND */
	struct sg_fm *f;
	uint32_t n;
};

struct sg_ident { /* OR of maps */
	const char *name;
	struct sg_map *m;
	uint32_t n;
};

enum sg_cop { C_OR, C_AND, C_NOT, C_ID, C_ONE, C_ALL };

struct sg_cnode {
	uint8_t op;
	uint32_t n;     /* children or identifiers */
	uint32_t *k;    /* child node indices, or identifier indices */
};

struct sg_detect {
	struct sg_ident *id;
	uint32_t nid;
	struct sg_cnode *c;
	uint32_t nc, root;
};

enum sg_ctype {
	CT_EVENT_COUNT,
	CT_VALUE_COUNT,
	CT_TEMPORAL,
	CT_TEMPORAL_ORDERED,
	CT_VALUE_SUM,
	CT_VALUE_AVG,
	CT_VALUE_PERCENTILE,
};

struct sg_corr {
	uint8_t type;
	const char **refs; /* as written */
	uint32_t nrefs;
	uint32_t *rule;    /* resolved rule indices, nrefs of them */
	const char **group; /* group-by names */
	uint32_t ngroup;
	/* aliases: for group-by name g and referenced rule r, the field
	 * name in r's events: alias[g * nrefs + r] (NULL: g itself) */
	const char **alias;
	uint16_t *alias_id; /* the interned name of each (alias or group) */
	uint16_t field_id;
	int64_t timespan; /* ns */
	bool has_lo, has_hi, lo_incl, hi_incl, has_eq, has_neq;
	double lo, hi, eq, neq;
	const char *field; /* value_* and value_count */
	double percentile;
	bool generate;
};

struct sg_rule {
	struct vg_rule_info info;
	const char *product, *category, *service;
	struct sg_detect det;
	struct sg_detect **filt; /* filter documents that apply */
	uint32_t nfilt, capfilt;
	struct sg_corr *corr;
	uint32_t *feeds; /* correlations that consume this rule's matches */
	uint32_t nfeeds;
	bool unmapped;
	uint32_t *srcs;  /* mapping entries that feed it */
	uint32_t nsrcs;
};

/* A filter document: applies its detection to the rules it names. */
struct sg_filter {
	const char *file;
	uint32_t line;
	const char *title;
	const char **rules;
	uint32_t nrules;
	const char *product, *category, *service;
	struct sg_detect det;
};

/* A logsource mapping entry. */
struct sg_src {
	const char *name;
	const char *product, *category, *service;
	struct sg_map when;     /* on the event's fields */
	uint32_t decoders;      /* bit per enum vg_decoder; 0: any */
	uint16_t *from, *to;    /* renames: Sigma name ← event name */
	uint32_t nren;
};

struct sg_mapping {
	const char **prefix;
	uint32_t nprefix;
	uint16_t *rn_from, *rn_to; /* whole-name renames, after prefixes */
	uint32_t nrn;
	struct sg_src *src;
	uint32_t nsrc;
	uint16_t *keyf;          /* fields the entries test: the route key */
	uint32_t nkeyf;
};

struct sg_placeholder {
	const char *name;
	const char **v;
	uint32_t n;
};

struct sg_prefilter; /* sg_engine.c */

struct vg_ruleset {
	struct vg_arena *a;
	struct vg_arena *tmp; /* a value's patterns while it compiles */
	struct sg_rule **r;
	uint32_t n, cap;
	struct vg_refusal *ref;
	uint32_t nref, capref;
	struct sg_filter **filt;
	uint32_t nfilt, capfilt;
	struct sg_mapping map;
	struct sg_placeholder *ph;
	uint32_t nph;
	uint32_t corr_max_groups, corr_max_events;
	uint32_t unmapped;
	bool compiled;
	struct sg_prefilter *pf;
	enum sg_hs_from pf_from; /* compiled, from the cache, or saved */
	char *cache_dir; /* NULL: none */
	_Atomic uint32_t *canon; /* event name id → Sigma name id | 1<<31 */
	uint64_t *used;          /* Sigma names some rule or the mapping
				  * reads (bitset): only those are indexed */
	pcre2_code **re;         /* every compiled expression, to free */
	uint32_t nre, capre;
};

/* Loader helpers (sg_rule.c). */
void sg_refuse(struct vg_ruleset *rs, const char *file, uint32_t line,
	       const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Compiles field|mods: value (sg_value.c). Returns 0, or -1 with the reason
 * in why (and *line set to the offending node's line). */
int sg_fm_compile(struct vg_ruleset *rs, const char *key,
		  const struct ynode *val, struct sg_fm *fm, char *why,
		  size_t whylen, uint32_t *line);

/* Compiles a search identifier's YAML (map, list of maps, list of
 * keywords). */
int sg_ident_compile(struct vg_ruleset *rs, const struct ynode *n,
		     struct sg_ident *id, char *why, size_t whylen,
		     uint32_t *line);

/* Parses detection: into det (sg_cond.c for the condition). */
int sg_detect_compile(struct vg_ruleset *rs, const struct ynode *det,
		      struct sg_detect *d, char *why, size_t whylen,
		      uint32_t *line);
int sg_cond_parse(struct vg_arena *a, struct sg_detect *d, const char *s,
		  char *why, size_t whylen);

/* Mapping file (sg_map.c). */
int sg_mapping_load(struct vg_ruleset *rs, const char *text, size_t len,
		    const char *name, char *err, size_t errlen);
extern const char sg_default_mapping[];
extern const size_t sg_default_mapping_len;

/* Event access during evaluation (sg_engine.c). */
struct sg_ev {
	const struct vg_event *ev;
	void *eng;                 /* the struct vg_sigma */
	pcre2_match_data *md;
	pcre2_match_context *mc;
	uint64_t *re_errors;
	/* the prefilter's literals seen in this event: litgen[id] == gen;
	 * lits is false when no scan ran (explanations) */
	const uint32_t *litgen;
	uint32_t gen;
	bool lits;
};
int sg_ev_first(struct sg_ev *e, uint16_t field);
int sg_ev_next(struct sg_ev *e, int idx);
const char *sg_ev_val(struct sg_ev *e, int idx, uint32_t *len, bool folded);
bool sg_ev_isnull(struct sg_ev *e, int idx);
const char *sg_ev_raw(struct sg_ev *e, uint32_t *len, bool folded);
/* A folded copy of p[0..n), valid for the event. */
const char *sg_ev_fold(struct sg_ev *e, const char *p, uint32_t n);

/* Matching (sg_value.c). */
bool sg_val_match(const struct sg_val *v, struct sg_ev *e, const char *s,
		  uint32_t n, const char *folded);
bool sg_fm_eval(const struct sg_fm *fm, struct sg_ev *e);
/* memo: d->nid bytes, zeroed by the caller (0 unknown, 1 false, 2 true). */
bool sg_detect_eval(const struct sg_detect *d, struct sg_ev *e,
		    uint8_t *memo);

extern const uint8_t sg_fold[256];

/* Correlation (sg_corr.c). */
struct sg_cstate;
struct sg_cstate *sg_cstate_new(const struct vg_ruleset *rs);
void sg_cstate_free(struct sg_cstate *c);
struct vg_sigma;
void sg_corr_feed(struct vg_sigma *s, uint32_t corr, uint32_t from_rule,
		  struct sg_ev *e, const struct vg_match *m, vg_match_fn fn,
		  void *arg);
void sg_corr_flush(struct vg_sigma *s, vg_match_fn fn, void *arg);
void sg_corr_advance(struct vg_sigma *s, int64_t now, vg_match_fn fn,
		     void *arg);
int sg_corr_save(struct vg_sigma *s, struct vg_buf *out);
int sg_corr_restore(struct vg_sigma *s, const void *data, size_t len,
		    const char **why);

int64_t sg_parse_timespan(const char *s);

/* Hands a match of rule ri on: to the caller unless the rule is silent,
 * and to the correlations it feeds (sg_engine.c). */
void sg_emit(struct vg_sigma *s, uint32_t ri, const struct vg_match *m,
	     vg_match_fn fn, void *arg);
struct vg_sigma_stats *sg_stats(struct vg_sigma *s);
const struct vg_ruleset *sg_rules(const struct vg_sigma *s);
struct sg_cstate *sg_cs(struct vg_sigma *s);

#endif
