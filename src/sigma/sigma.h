/* Sigma: loading rules, filters and correlations, and running them over
 * decoded events. The compiled ruleset is immutable once built and may be
 * shared by threads; each thread evaluates through its own context, which
 * also holds the correlation state. */
#ifndef VG_SIGMA_H
#define VG_SIGMA_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../event/event.h"

struct vg_ruleset;
struct vg_sigma;
struct vg_buf;

enum vg_level {
	VG_LVL_INFORMATIONAL,
	VG_LVL_LOW,
	VG_LVL_MEDIUM,
	VG_LVL_HIGH,
	VG_LVL_CRITICAL
};

/* What the rest of vigie sees of a rule. */
struct vg_rule_info {
	const char *title, *id, *name; /* id and name may be NULL */
	const char *file;
	uint32_t line;
	enum vg_level level;
	const char *const *tags;
	uint32_t ntags;
	bool correlation;
	bool silent;    /* only feeds correlations (their generate: false) */
	uint32_t index; /* 0..vg_rules_count() */
};

/* A rule refused at load, and why. */
struct vg_refusal {
	const char *file;
	uint32_t line;
	const char *rule;   /* title or id, "" when unknown */
	const char *reason; /* one line; the part before ':' is its class */
};

struct vg_ruleset_opts {
	const char *mapping;      /* logsource/field mapping file; NULL: the
				   * built-in one */
	const char *placeholders; /* YAML map name → list, for |expand */
	uint32_t corr_max_groups; /* correlation groups kept (0: 100000) */
	uint32_t corr_max_events; /* entries kept per group (0: 4096) */
	/* where the compiled prefilter is kept for the next load of the same
	 * rules (sg_hscache.c); NULL or "": not kept */
	const char *cache_dir;
};

/* Creates an empty ruleset. Returns NULL with a message in err when the
 * mapping or placeholders file is unusable. */
struct vg_ruleset *vg_rules_new(const struct vg_ruleset_opts *o, char *err,
				size_t errlen);
void vg_rules_free(struct vg_ruleset *rs);

/* Loads every .yml/.yaml file under path (a file or a directory tree).
 * Rules that cannot be honoured exactly are refused and listed; that is
 * not an error. Returns 0, or -1 when path itself cannot be read. */
int vg_rules_load(struct vg_ruleset *rs, const char *path, char *err,
		  size_t errlen);

/* Loads rules from a string, as if read from file name. */
int vg_rules_load_mem(struct vg_ruleset *rs, const char *name,
		      const char *text, size_t len);

/* Resolves filters and correlations, builds the prefilter. Required once
 * after loading and before evaluating. Rules refused at this stage (an
 * unknown correlation reference, say) join the refusals. Returns 0, or -1
 * with a message (the pattern matcher failed to build). */
int vg_rules_compile(struct vg_ruleset *rs, char *err, size_t errlen);

uint32_t vg_rules_count(const struct vg_ruleset *rs);
const struct vg_rule_info *vg_rules_info(const struct vg_ruleset *rs,
					 uint32_t i);
/* A rule by id, name or title; NULL if none. */
const struct vg_rule_info *vg_rules_find(const struct vg_ruleset *rs,
					 const char *key);
uint32_t vg_rules_nrefused(const struct vg_ruleset *rs);
const struct vg_refusal *vg_rules_refused(const struct vg_ruleset *rs,
					  uint32_t i);
/* Rules loaded whose logsource no mapping entry feeds. */
uint32_t vg_rules_unmapped(const struct vg_ruleset *rs);
/* Where the compiled prefilter came from: "compiled", "cache" (the
 * databases saved by an earlier load of the same rules), "compiled,
 * saved" (and now in the cache), "none" before vg_rules_compile. */
const char *vg_rules_prefilter_from(const struct vg_ruleset *rs);
/* The user's cache directory: $VIGIE_CACHE_DIR when set (empty: none),
 * else $XDG_CACHE_HOME/vigie, else $HOME/.cache/vigie, else "". */
const char *vg_rules_cache_dir(void);

/* One detection. For a correlation, ev is the event that completed it and
 * group/count describe the group. */
struct vg_match {
	const struct vg_rule_info *rule;
	const struct vg_event *ev;
	int64_t ts;          /* event time, or the correlation's */
	const char *group;   /* correlation: "field=value, …" (escaped by
			      * the caller on output) */
	double value;        /* correlation: the aggregate that fired */
	int64_t first_ts;    /* correlation: first event of the window */
};

typedef void (*vg_match_fn)(const struct vg_match *m, void *arg);

struct vg_sigma_stats {
	uint64_t events, evaluated, prefilter_skipped, matches;
	uint64_t corr_groups, corr_evicted, corr_expired, corr_fired;
	uint64_t regex_errors;
};

struct vg_sigma *vg_sigma_new(const struct vg_ruleset *rs);
void vg_sigma_free(struct vg_sigma *s);

/* Runs every rule that applies to ev; calls fn for each detection, in rule
 * order, then for the correlations they complete. */
void vg_sigma_eval(struct vg_sigma *s, const struct vg_event *ev,
		   vg_match_fn fn, void *arg);

/* End of input: correlations whose condition is an upper bound (lt, lte)
 * are decided when their window closes; this closes them all. */
void vg_sigma_flush(struct vg_sigma *s, vg_match_fn fn, void *arg);

/* The correlation state, written to out so that a restarted process
 * goes on exactly where this one was (vg_sigma_restore, into a fresh
 * context of the same rules). Restore returns -1 with the reason in *why
 * when the data is damaged or the rules changed; the state stays empty. */
int vg_sigma_save(struct vg_sigma *s, struct vg_buf *out);
int vg_sigma_restore(struct vg_sigma *s, const void *data, size_t len,
		     const char **why);

const struct vg_sigma_stats *vg_sigma_stats(const struct vg_sigma *s);

/* Appends to out, in plain text, why rule i does or does not match ev:
 * its logsource, then each search identifier with its value, then the
 * condition. */
void vg_sigma_explain(struct vg_sigma *s, uint32_t i,
		      const struct vg_event *ev, struct vg_buf *out);

/* The Sigma field name an event field stands for (after the mapping's
 * prefixes and renames), for display. */
const char *vg_sigma_field_name(const struct vg_ruleset *rs, uint16_t id);

const char *vg_level_name(enum vg_level l);

#endif
