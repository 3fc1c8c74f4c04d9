/* The embedded store: SQLite in WAL mode, numbered migrations, one
 * writer. Alerts are written together with the source positions that
 * produced them, in one transaction, so that a restart (even after
 * kill -9) neither loses nor repeats an alert. */
#ifndef VG_STORE_H
#define VG_STORE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vg_store;

/* Opens (creating if needed) the store in directory dir (file
 * dir/vigie.db), applies the migrations it lacks. Returns NULL with a
 * message in err. readonly: for the reading commands, no migration. */
struct vg_store *vg_store_open(const char *dir, bool readonly, char *err,
			       size_t errlen);
void vg_store_close(struct vg_store *s);

/* The schema version (the number of migrations applied). */
int vg_store_version(struct vg_store *s);
int vg_store_migrations(void);

/* One transaction at a time; every write between begin and commit is
 * kept or lost together. Return 0 or -1 with the message in
 * vg_store_error(). */
int vg_store_begin(struct vg_store *s);
int vg_store_commit(struct vg_store *s);
void vg_store_rollback(struct vg_store *s);
const char *vg_store_error(const struct vg_store *s);

struct vg_alert {
	int64_t ts;            /* event time, UTC ns */
	const char *rule_id;   /* may be NULL */
	const char *rule_title;
	int level;             /* enum vg_level */
	const char *source;    /* where the event came from (a path) */
	uint64_t offset, lineno;
	const char *src_ip, *user, *host; /* entities, may be NULL */
	const char *group;     /* correlation group, may be NULL */
	double value;
	const char *event_json;
};

/* Adds an alert. The pair (source, offset, rule) is unique: adding it
 * again returns 1 and changes nothing (a replay after a restart). Returns
 * 0 when added (its id in *id), -1 on error. */
int vg_store_add_alert(struct vg_store *s, const struct vg_alert *a,
		       int64_t *id);

struct vg_position {
	const char *source;
	uint64_t inode, offset;
	uint64_t base, lineno; /* logical offset of the file's start, lines
				* read before offset */
	const char *head;   /* hash of the file's first bytes, or "" */
	const char *cursor; /* journal cursor, or "" */
	int64_t updated;    /* when it was saved (ns; read, not written) */
};

/* replay false: where reading reached (saved with the alerts it gave);
 * true: where the saved correlation state was taken, from which a
 * restart reads again (the alerts it gives again are recognised). */
int vg_store_set_position(struct vg_store *s, const struct vg_position *p,
			  bool replay);
/* Fills *p (strings valid until the next call) and returns 1; 0 when the
 * source has none; -1 on error. */
int vg_store_get_position(struct vg_store *s, const char *source,
			  struct vg_position *p, bool replay);
int vg_store_clear_replay(struct vg_store *s);

struct vg_buf;
/* A named blob (the correlation state): put replaces it; get returns 1
 * with the data in out, 0 when there is none, -1 on error. */
int vg_store_put_state(struct vg_store *s, const char *name, const void *data,
		       size_t len);
int vg_store_get_state(struct vg_store *s, const char *name,
		       struct vg_buf *out);

/* Counts rows of a table (alerts, incidents, decisions, positions,
 * audit); -1 on error or an unknown table. */
int64_t vg_store_count(struct vg_store *s, const char *table);

/* Appends to the audit trail. */
int vg_store_audit(struct vg_store *s, const char *actor, const char *action,
		   const char *object, const char *detail);

/* ---- incidents ---- */

struct vg_incident {
	int64_t id, created, updated, t0;
	const char *title, *rsit_class, *rsit_type, *tlp, *status, *entity;
	int severity;
	int64_t nalerts;
};

/* The open incident (not closed, rejected, duplicate or false-positive)
 * that has the observable kind=value and was updated at or after since;
 * its id, or 0 when none, -1 on error. */
int64_t vg_store_find_incident(struct vg_store *s, const char *kind,
			       const char *value, int64_t since);
int64_t vg_store_new_incident(struct vg_store *s, const char *title,
			      int severity, const char *rsit_class,
			      const char *rsit_type, int64_t ts,
			      const char *entity);
/* Raises the severity to at least severity and updated to at least ts. */
int vg_store_touch_incident(struct vg_store *s, int64_t id, int severity,
			    int64_t ts);
int vg_store_add_observable(struct vg_store *s, int64_t id, const char *kind,
			    const char *value);
int vg_store_add_timeline(struct vg_store *s, int64_t id, int64_t ts,
			  const char *kind, const char *text);
int vg_store_link_alert(struct vg_store *s, int64_t alert, int64_t incident);

typedef int (*vg_incident_fn)(const struct vg_incident *in, void *arg);
/* Calls fn for each incident, newest first (all when id is 0). */
int vg_store_incidents(struct vg_store *s, int64_t id, vg_incident_fn fn,
		       void *arg);
/* Sets field (status or tlp) of incident id, with an audit line; the
 * value is checked by the schema (status) or here (tlp). Returns 0, 1
 * when there is no such incident, -1 on error (message in
 * vg_store_error). */
int vg_store_set_incident(struct vg_store *s, int64_t id, const char *field,
			  const char *value, const char *actor);

typedef int (*vg_row_fn)(int ncol, const char *const *col, void *arg);
/* Rows of a fixed query: "timeline" and "observables" of incident id,
 * "alerts" (of incident id, or the last limit when id is 0), the
 * "positions" of the sources, or the "summary" (one row: alerts, last
 * alert time, open incidents, incidents, active decisions, simulated
 * ones, bouncers; id is now). */
int vg_store_rows(struct vg_store *s, const char *what, int64_t id,
		  int limit, vg_row_fn fn, void *arg);

/* ---- decisions and bouncers ---- */

struct vg_decision {
	int64_t id, created, until; /* UTC ns */
	const char *scope;          /* "ip" or "range" */
	const char *value, *origin, *reason, *type, *scenario;
	int64_t alert_id;
	int simulated, deleted;
};

int64_t vg_store_now(void);
int64_t vg_store_add_decision(struct vg_store *s, const struct vg_decision *d);
/* Ends the active decisions with this id or value (until = now, so the
 * stream reports them deleted). Returns how many, or -1. */
int vg_store_delete_decisions(struct vg_store *s, int64_t id,
			      const char *value, int64_t now);

enum vg_dq {
	VG_DQ_ACTIVE,  /* enforced now, created at or after since */
	VG_DQ_EXPIRED, /* ended (expired or deleted) between since and now */
	VG_DQ_RECENT,  /* any ending after since: for listing */
};
typedef int (*vg_decision_fn)(const struct vg_decision *d, void *arg);
int vg_store_decisions(struct vg_store *s, enum vg_dq q, int64_t since,
		       int64_t now, vg_decision_fn fn, void *arg);
/* Decisions ever taken on value (for escalation). */
int vg_store_count_decisions(struct vg_store *s, const char *value);

/* Active decisions on value, simulated or enforced ones. */
int vg_store_active_on(struct vg_store *s, const char *value, int64_t now,
		       bool simulated);

/* Bouncers: the key is kept as its SHA-512 (hex). */
int64_t vg_store_add_bouncer(struct vg_store *s, const char *name,
			     const char *key_hash);
/* The bouncer id for key_hash (0: none) and its last pull (0: never). */
int64_t vg_store_bouncer_auth(struct vg_store *s, const char *key_hash,
			      int64_t *last_pull);
/* Records a pull (pull 0: only last_seen). */
int vg_store_bouncer_pulled(struct vg_store *s, int64_t id, int64_t pull,
			    int64_t seen);

#endif
