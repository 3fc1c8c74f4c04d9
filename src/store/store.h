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
	const char *head;   /* hash of the file's first bytes, or "" */
	const char *cursor; /* journal cursor, or "" */
};

int vg_store_set_position(struct vg_store *s, const struct vg_position *p);
/* Fills *p (strings valid until the next call) and returns 1; 0 when the
 * source has none; -1 on error. */
int vg_store_get_position(struct vg_store *s, const char *source,
			  struct vg_position *p);

/* Counts rows of a table (alerts, incidents, decisions, positions,
 * audit); -1 on error or an unknown table. */
int64_t vg_store_count(struct vg_store *s, const char *table);

/* Appends to the audit trail. */
int vg_store_audit(struct vg_store *s, const char *actor, const char *action,
		   const char *object, const char *detail);

#endif
