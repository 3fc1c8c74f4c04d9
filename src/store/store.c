/* The SQLite store (see store.h). */
#include "store.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../lib/buf.h"
#include "../lib/vtime.h"
#include "../lib/xmalloc.h"

/* Each migration is applied once, in order, in its own transaction;
 * PRAGMA user_version holds how many have been. Never edit one that has
 * shipped: add the next. */
static const char *const migrations[] = {
	/* 1: alerts, incidents, decisions, positions, audit */
	"CREATE TABLE incidents ("
	" id INTEGER PRIMARY KEY,"
	" created INTEGER NOT NULL,"   /* UTC ns */
	" updated INTEGER NOT NULL,"
	" t0 INTEGER NOT NULL,"        /* awareness time */
	" title TEXT NOT NULL,"
	" severity INTEGER NOT NULL,"
	" rsit_class TEXT, rsit_type TEXT,"
	" tlp TEXT NOT NULL DEFAULT 'TLP:AMBER',"
	" status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new',"
	"  'triage','containment','eradication','recovery','post-incident',"
	"  'closed','rejected','duplicate','false-positive')),"
	" entity TEXT);"
	"CREATE TABLE alerts ("
	" id INTEGER PRIMARY KEY,"
	" ts INTEGER NOT NULL,"
	" rule_id TEXT, rule_title TEXT NOT NULL,"
	" level INTEGER NOT NULL,"
	" source TEXT NOT NULL, offset INTEGER NOT NULL, lineno INTEGER,"
	" src_ip TEXT, user TEXT, host TEXT,"
	" grp TEXT, value REAL,"
	" event TEXT NOT NULL,"
	" incident_id INTEGER REFERENCES incidents(id),"
	" UNIQUE (source, offset, rule_id, rule_title, grp));"
	"CREATE INDEX alerts_ts ON alerts(ts);"
	"CREATE INDEX alerts_ip ON alerts(src_ip);"
	"CREATE TABLE observables ("
	" incident_id INTEGER NOT NULL REFERENCES incidents(id),"
	" kind TEXT NOT NULL, value TEXT NOT NULL,"
	" UNIQUE (incident_id, kind, value));"
	"CREATE TABLE timeline ("
	" id INTEGER PRIMARY KEY,"
	" incident_id INTEGER NOT NULL REFERENCES incidents(id),"
	" ts INTEGER NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL);"
	"CREATE TABLE decisions ("
	" id INTEGER PRIMARY KEY,"
	" created INTEGER NOT NULL, until INTEGER NOT NULL,"
	" scope TEXT NOT NULL CHECK (scope IN ('ip','range')),"
	" value TEXT NOT NULL, origin TEXT NOT NULL, reason TEXT,"
	" alert_id INTEGER REFERENCES alerts(id),"
	" simulated INTEGER NOT NULL DEFAULT 0,"
	" deleted INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX decisions_value ON decisions(value);"
	"CREATE TABLE positions ("
	" source TEXT PRIMARY KEY,"
	" inode INTEGER NOT NULL, offset INTEGER NOT NULL,"
	" head TEXT NOT NULL, cursor TEXT NOT NULL,"
	" updated INTEGER NOT NULL);"
	"CREATE TABLE audit ("
	" id INTEGER PRIMARY KEY, ts INTEGER NOT NULL,"
	" actor TEXT NOT NULL, action TEXT NOT NULL,"
	" object TEXT, detail TEXT);",
	/* 2: decision type and scenario; the bouncers of the decision
	 * stream (key stored as SHA-512, last pull per bouncer) */
	"ALTER TABLE decisions ADD COLUMN type TEXT NOT NULL DEFAULT 'ban';"
	"ALTER TABLE decisions ADD COLUMN scenario TEXT NOT NULL DEFAULT '';"
	"CREATE INDEX decisions_until ON decisions(until);"
	"CREATE TABLE bouncers ("
	" id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
	" key_hash TEXT NOT NULL UNIQUE, created INTEGER NOT NULL,"
	" last_pull INTEGER, last_seen INTEGER);",
	/* 3: positions across rotations (logical base, line count); the
	 * correlation state and the positions it was saved at, from which
	 * a restart replays */
	"ALTER TABLE positions ADD COLUMN base INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE positions ADD COLUMN lineno INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE replay ("
	" source TEXT PRIMARY KEY,"
	" inode INTEGER NOT NULL, offset INTEGER NOT NULL,"
	" head TEXT NOT NULL, cursor TEXT NOT NULL,"
	" updated INTEGER NOT NULL,"
	" base INTEGER NOT NULL DEFAULT 0, lineno INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE state ("
	" name TEXT PRIMARY KEY, data BLOB NOT NULL, updated INTEGER NOT NULL);",
};
#define NMIG (int)(sizeof(migrations) / sizeof(migrations[0]))

struct vg_store {
	sqlite3 *db;
	sqlite3_stmt *add_alert, *set_pos[2], *get_pos[2], *audit;
	char err[256];
	char pos_source[1024], pos_head[128], pos_cursor[1024];
	bool intx;
};

int vg_store_migrations(void) { return NMIG; }

static int fail(struct vg_store *s, const char *what)
{
	snprintf(s->err, sizeof(s->err), "%s: %s", what, sqlite3_errmsg(s->db));
	return -1;
}

const char *vg_store_error(const struct vg_store *s) { return s->err; }

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int exec(struct vg_store *s, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(s->err, sizeof(s->err), "%s",
			 msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int vg_store_version(struct vg_store *s)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int migrate(struct vg_store *s)
{
	int v = vg_store_version(s);
	char sql[64];

	if (v < 0)
		return fail(s, "reading the schema version");
	if (v > NMIG) {
		snprintf(s->err, sizeof(s->err),
			 "the store has schema %d, newer than this vigie (%d)",
			 v, NMIG);
		return -1;
	}
	for (; v < NMIG; v++) {
		if (exec(s, "BEGIN IMMEDIATE") != 0)
			return -1;
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if (exec(s, migrations[v]) != 0 || exec(s, sql) != 0) {
			char keep[300];
			snprintf(keep, sizeof(keep), "migration %d: %.200s",
				 v + 1, s->err);
			exec(s, "ROLLBACK");
			snprintf(s->err, sizeof(s->err), "%.250s", keep);
			return -1;
		}
		if (exec(s, "COMMIT") != 0)
			return -1;
	}
	return 0;
}

static int prepare(struct vg_store *s, sqlite3_stmt **st, const char *sql)
{
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st,
			       NULL) != SQLITE_OK)
		return fail(s, "preparing a statement");
	return 0;
}

struct vg_store *vg_store_open(const char *dir, bool readonly, char *err,
			       size_t errlen)
{
	struct vg_store *s = xcalloc(1, sizeof(*s));
	char path[4096];
	struct stat sb;
	int flags = readonly ? SQLITE_OPEN_READONLY
			     : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

	if (stat(dir, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a directory", dir);
		free(s);
		return NULL;
	}
	if (stat(dir, &sb) != 0 && (readonly || mkdir(dir, 0750) != 0)) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		free(s);
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/vigie.db", dir);
	if (sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path,
			 s->db ? sqlite3_errmsg(s->db) : "cannot open");
		sqlite3_close(s->db);
		free(s);
		return NULL;
	}
	sqlite3_busy_timeout(s->db, 5000);
	sqlite3_extended_result_codes(s->db, 1);
	/* WAL: readers (the CLI) never block the writer. NORMAL sync keeps
	 * every committed transaction across a crash of vigie; a power cut
	 * may lose the last ones, never corrupt the file. */
	if ((!readonly && (exec(s, "PRAGMA journal_mode=WAL") != 0 ||
			   exec(s, "PRAGMA synchronous=NORMAL") != 0 ||
			   exec(s, "PRAGMA foreign_keys=ON") != 0 ||
			   migrate(s) != 0)) ||
	    (readonly && vg_store_version(s) != NMIG &&
	     snprintf(s->err, sizeof(s->err),
		      "the store has schema %d, this vigie wants %d",
		      vg_store_version(s), NMIG) > 0) ||
	    (!readonly &&
	     (prepare(s, &s->add_alert,
		      "INSERT OR IGNORE INTO alerts (ts, rule_id, rule_title,"
		      " level, source, offset, lineno, src_ip, user, host, grp,"
		      " value, event) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)") != 0 ||
	      prepare(s, &s->set_pos[0],
		      "INSERT OR REPLACE INTO positions (source, inode, offset,"
		      " head, cursor, updated, base, lineno)"
		      " VALUES (?,?,?,?,?,?,?,?)") != 0 ||
	      prepare(s, &s->set_pos[1],
		      "INSERT OR REPLACE INTO replay (source, inode, offset,"
		      " head, cursor, updated, base, lineno)"
		      " VALUES (?,?,?,?,?,?,?,?)") != 0 ||
	      prepare(s, &s->audit,
		      "INSERT INTO audit (ts, actor, action, object, detail)"
		      " VALUES (?,?,?,?,?)") != 0)) ||
	    prepare(s, &s->get_pos[0],
		    "SELECT inode, offset, head, cursor, base, lineno, updated"
		    " FROM positions WHERE source = ?") != 0 ||
	    prepare(s, &s->get_pos[1],
		    "SELECT inode, offset, head, cursor, base, lineno, updated"
		    " FROM replay WHERE source = ?") != 0) {
		snprintf(err, errlen, "%s: %s", path, s->err);
		vg_store_close(s);
		return NULL;
	}
	return s;
}

void vg_store_close(struct vg_store *s)
{
	if (s == NULL)
		return;
	if (s->intx)
		vg_store_rollback(s);
	sqlite3_finalize(s->add_alert);
	for (int i = 0; i < 2; i++) {
		sqlite3_finalize(s->set_pos[i]);
		sqlite3_finalize(s->get_pos[i]);
	}
	sqlite3_finalize(s->audit);
	sqlite3_close(s->db);
	free(s);
}

int vg_store_begin(struct vg_store *s)
{
	if (exec(s, "BEGIN IMMEDIATE") != 0)
		return -1;
	s->intx = true;
	return 0;
}

int vg_store_commit(struct vg_store *s)
{
	if (exec(s, "COMMIT") != 0) {
		vg_store_rollback(s);
		return -1;
	}
	s->intx = false;
	return 0;
}

void vg_store_rollback(struct vg_store *s)
{
	char keep[256];

	snprintf(keep, sizeof(keep), "%s", s->err);
	exec(s, "ROLLBACK");
	snprintf(s->err, sizeof(s->err), "%s", keep);
	s->intx = false;
}

static void text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

int vg_store_add_alert(struct vg_store *s, const struct vg_alert *a,
		       int64_t *id)
{
	sqlite3_stmt *st = s->add_alert;
	int rc;

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, a->ts);
	text(st, 2, a->rule_id ? a->rule_id : "");
	text(st, 3, a->rule_title);
	sqlite3_bind_int(st, 4, a->level);
	text(st, 5, a->source);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)a->offset);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)a->lineno);
	text(st, 8, a->src_ip);
	text(st, 9, a->user);
	text(st, 10, a->host);
	/* '' rather than NULL: NULLs are all distinct to UNIQUE */
	text(st, 11, a->group ? a->group : "");
	sqlite3_bind_double(st, 12, a->value);
	text(st, 13, a->event_json ? a->event_json : "{}");
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return fail(s, "adding an alert");
	if (sqlite3_changes(s->db) == 0)
		return 1;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int vg_store_set_position(struct vg_store *s, const struct vg_position *p,
			  bool replay)
{
	sqlite3_stmt *st = s->set_pos[replay];
	int rc;

	sqlite3_reset(st);
	text(st, 1, p->source);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)p->inode);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)p->offset);
	text(st, 4, p->head ? p->head : "");
	text(st, 5, p->cursor ? p->cursor : "");
	sqlite3_bind_int64(st, 6, now_ns());
	sqlite3_bind_int64(st, 7, (sqlite3_int64)p->base);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)p->lineno);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : fail(s, "saving a position");
}

int vg_store_get_position(struct vg_store *s, const char *source,
			  struct vg_position *p, bool replay)
{
	sqlite3_stmt *st = s->get_pos[replay];
	int rc;

	sqlite3_reset(st);
	text(st, 1, source);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return 0;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return fail(s, "reading a position");
	}
	snprintf(s->pos_source, sizeof(s->pos_source), "%s", source);
	snprintf(s->pos_head, sizeof(s->pos_head), "%s",
		 (const char *)sqlite3_column_text(st, 2));
	snprintf(s->pos_cursor, sizeof(s->pos_cursor), "%s",
		 (const char *)sqlite3_column_text(st, 3));
	p->source = s->pos_source;
	p->inode = (uint64_t)sqlite3_column_int64(st, 0);
	p->offset = (uint64_t)sqlite3_column_int64(st, 1);
	p->head = s->pos_head;
	p->cursor = s->pos_cursor;
	p->base = (uint64_t)sqlite3_column_int64(st, 4);
	p->lineno = (uint64_t)sqlite3_column_int64(st, 5);
	p->updated = sqlite3_column_int64(st, 6);
	sqlite3_reset(st);
	return 1;
}

int vg_store_clear_replay(struct vg_store *s)
{
	return exec(s, "DELETE FROM replay");
}

int vg_store_put_state(struct vg_store *s, const char *name, const void *data,
		       size_t len)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db,
			       "INSERT OR REPLACE INTO state (name, data, updated)"
			       " VALUES (?,?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		return fail(s, "saving the state");
	text(st, 1, name);
	sqlite3_bind_blob64(st, 2, len ? data : "", len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now_ns());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : fail(s, "saving the state");
}

int vg_store_get_state(struct vg_store *s, const char *name,
		       struct vg_buf *out)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "SELECT data FROM state WHERE name = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return fail(s, "reading the state");
	text(st, 1, name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		vg_buf_reset(out);
		if (vg_buf_put(out, sqlite3_column_blob(st, 0),
			       (size_t)sqlite3_column_bytes(st, 0)) != 0)
			rc = SQLITE_NOMEM;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	return rc == SQLITE_ROW ? 1 : fail(s, "reading the state");
}

int64_t vg_store_count(struct vg_store *s, const char *table)
{
	static const char *const ok[] = {"alerts",    "incidents",
					 "decisions", "positions",
					 "audit",     "observables",
					 "timeline",  "bouncers"};
	char sql[128];
	sqlite3_stmt *st;
	int64_t n = -1;
	bool known = false;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		known |= strcmp(ok[i], table) == 0;
	if (!known)
		return -1;
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return fail(s, "counting");
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int vg_store_audit(struct vg_store *s, const char *actor, const char *action,
		   const char *object, const char *detail)
{
	sqlite3_stmt *st = s->audit;
	int rc;

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, now_ns());
	text(st, 2, actor);
	text(st, 3, action);
	text(st, 4, object);
	text(st, 5, detail);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : fail(s, "writing the audit trail");
}

/* ---- incidents ---- */

static int64_t one_int(struct vg_store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	int64_t v = 0;

	if (rc == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		v = fail(s, what);
	sqlite3_finalize(st);
	return v;
}

static sqlite3_stmt *stmt(struct vg_store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		fail(s, "preparing a query");
		return NULL;
	}
	return st;
}

static int run(struct vg_store *s, sqlite3_stmt *st, const char *what)
{
	int rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : fail(s, what);
}

int64_t vg_store_find_incident(struct vg_store *s, const char *kind,
			       const char *value, int64_t since)
{
	sqlite3_stmt *st = stmt(
		s, "SELECT i.id FROM incidents i JOIN observables o"
		   " ON o.incident_id = i.id WHERE o.kind = ? AND o.value = ?"
		   " AND i.updated >= ? AND i.status NOT IN ('closed',"
		   " 'rejected', 'duplicate', 'false-positive')"
		   " ORDER BY i.updated DESC LIMIT 1");
	if (st == NULL)
		return -1;
	text(st, 1, kind);
	text(st, 2, value);
	sqlite3_bind_int64(st, 3, since);
	return one_int(s, st, "finding an incident");
}

int64_t vg_store_new_incident(struct vg_store *s, const char *title,
			      int severity, const char *rsit_class,
			      const char *rsit_type, int64_t ts,
			      const char *entity)
{
	int64_t now = now_ns();
	sqlite3_stmt *st = stmt(
		s, "INSERT INTO incidents (created, updated, t0, title,"
		   " severity, rsit_class, rsit_type, entity)"
		   " VALUES (?,?,?,?,?,?,?,?)");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, ts);
	sqlite3_bind_int64(st, 3, now); /* aware when vigie saw it */
	text(st, 4, title);
	sqlite3_bind_int(st, 5, severity);
	text(st, 6, rsit_class);
	text(st, 7, rsit_type);
	text(st, 8, entity);
	if (run(s, st, "creating an incident") != 0)
		return -1;
	int64_t id = sqlite3_last_insert_rowid(s->db);
	char obj[32];
	snprintf(obj, sizeof(obj), "incident/%lld", (long long)id);
	if (vg_store_audit(s, "vigie", "incident.create", obj, title) != 0)
		return -1;
	return id;
}

int vg_store_touch_incident(struct vg_store *s, int64_t id, int severity,
			    int64_t ts)
{
	sqlite3_stmt *st = stmt(
		s, "UPDATE incidents SET severity = max(severity, ?),"
		   " updated = max(updated, ?) WHERE id = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int(st, 1, severity);
	sqlite3_bind_int64(st, 2, ts);
	sqlite3_bind_int64(st, 3, id);
	return run(s, st, "updating an incident");
}

int vg_store_add_observable(struct vg_store *s, int64_t id, const char *kind,
			    const char *value)
{
	sqlite3_stmt *st = stmt(s, "INSERT OR IGNORE INTO observables"
				   " (incident_id, kind, value) VALUES (?,?,?)");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	text(st, 2, kind);
	text(st, 3, value);
	return run(s, st, "adding an observable");
}

int vg_store_add_timeline(struct vg_store *s, int64_t id, int64_t ts,
			  const char *kind, const char *txt)
{
	sqlite3_stmt *st = stmt(s, "INSERT INTO timeline (incident_id, ts,"
				   " kind, text) VALUES (?,?,?,?)");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, ts);
	text(st, 3, kind);
	text(st, 4, txt);
	return run(s, st, "adding to a timeline");
}

int vg_store_link_alert(struct vg_store *s, int64_t alert, int64_t incident)
{
	sqlite3_stmt *st = stmt(s, "UPDATE alerts SET incident_id = ?"
				   " WHERE id = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, incident);
	sqlite3_bind_int64(st, 2, alert);
	return run(s, st, "linking an alert");
}

static const char *col(sqlite3_stmt *st, int i)
{
	const char *v = (const char *)sqlite3_column_text(st, i);
	return v ? v : "";
}

int vg_store_incidents(struct vg_store *s, int64_t id, vg_incident_fn fn,
		       void *arg)
{
	sqlite3_stmt *st = stmt(
		s, "SELECT i.id, i.created, i.updated, i.t0, i.title,"
		   " i.severity, i.rsit_class, i.rsit_type, i.tlp, i.status,"
		   " i.entity, (SELECT count(*) FROM alerts a"
		   " WHERE a.incident_id = i.id) FROM incidents i"
		   " WHERE ? = 0 OR i.id = ? ORDER BY i.updated DESC, i.id DESC");
	int rc, n = 0;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct vg_incident in = {
			.id = sqlite3_column_int64(st, 0),
			.created = sqlite3_column_int64(st, 1),
			.updated = sqlite3_column_int64(st, 2),
			.t0 = sqlite3_column_int64(st, 3),
			.title = col(st, 4),
			.severity = sqlite3_column_int(st, 5),
			.rsit_class = col(st, 6),
			.rsit_type = col(st, 7),
			.tlp = col(st, 8),
			.status = col(st, 9),
			.entity = col(st, 10),
			.nalerts = sqlite3_column_int64(st, 11),
		};
		n++;
		if (fn(&in, arg) != 0)
			break;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(s, "listing incidents");
	return n;
}

int vg_store_set_incident(struct vg_store *s, int64_t id, const char *field,
			  const char *value, const char *actor)
{
	static const char *const tlp[] = {"TLP:RED", "TLP:AMBER+STRICT",
					  "TLP:AMBER", "TLP:GREEN",
					  "TLP:CLEAR"};
	const char *sql;
	bool ok = false, note = false;
	char obj[32], detail[1100];
	int64_t t0 = 0;

	if (strcmp(field, "note") == 0) {
		/* a note changes nothing but the timeline */
		if (value[0] == '\0' || strlen(value) > 1000) {
			snprintf(s->err, sizeof(s->err),
				 "note: some text, at most 1000 bytes");
			return -1;
		}
		note = true;
		sql = "UPDATE incidents SET updated = updated WHERE id = ?2"
		      " AND ?1 = ?1";
	} else if (strcmp(field, "t0") == 0) {
		/* the awareness time the legal deadlines run from */
		struct vg_timectx tc;
		size_t vl = strlen(value);
		vg_timectx_init(&tc, now_ns() / 1000000000);
		if (strcmp(value, "now") == 0)
			t0 = now_ns();
		else if (vl == 0 || vg_time_iso8601(&tc, value, vl, &t0) != vl)
			t0 = -1;
		if (t0 < 0 || t0 > now_ns() + (int64_t)60 * 1000000000) {
			snprintf(s->err, sizeof(s->err),
				 "t0: 'now' or a time such as "
				 "2026-11-23T08:30:00Z, not in the future");
			return -1;
		}
		sql = "UPDATE incidents SET t0 = ?1 WHERE id = ?2";
	} else if (strcmp(field, "status") == 0) {
		sql = "UPDATE incidents SET status = ? WHERE id = ?";
	} else if (strcmp(field, "tlp") == 0) {
		for (size_t i = 0; i < sizeof(tlp) / sizeof(tlp[0]); i++)
			ok |= strcmp(tlp[i], value) == 0;
		if (!ok) {
			snprintf(s->err, sizeof(s->err),
				 "tlp: TLP:RED, TLP:AMBER+STRICT, TLP:AMBER, "
				 "TLP:GREEN or TLP:CLEAR");
			return -1;
		}
		sql = "UPDATE incidents SET tlp = ? WHERE id = ?";
	} else {
		snprintf(s->err, sizeof(s->err), "unknown field '%.40s' "
						 "(status, tlp, t0, note)",
			 field);
		return -1;
	}
	if (vg_store_begin(s) != 0)
		return -1;
	sqlite3_stmt *st = stmt(s, sql);
	if (st == NULL) {
		vg_store_rollback(s);
		return -1;
	}
	if (t0 > 0)
		sqlite3_bind_int64(st, 1, t0);
	else
		text(st, 1, value);
	sqlite3_bind_int64(st, 2, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		if (strstr(sqlite3_errmsg(s->db), "CHECK") != NULL)
			snprintf(s->err, sizeof(s->err),
				 "status: new, triage, containment, "
				 "eradication, recovery, post-incident, closed, "
				 "rejected, duplicate or false-positive");
		else
			fail(s, "updating an incident");
		vg_store_rollback(s);
		return -1;
	}
	sqlite3_finalize(st);
	if (sqlite3_changes(s->db) == 0) {
		vg_store_rollback(s);
		return 1;
	}
	snprintf(obj, sizeof(obj), "incident/%lld", (long long)id);
	snprintf(detail, sizeof(detail), "%s=%s", field, value);
	if (t0 > 0) {
		char ts[48];
		vg_time_fmt(ts, t0);
		snprintf(detail, sizeof(detail), "t0=%s", ts);
	}
	if (vg_store_audit(s, actor, note ? "incident.note" : "incident.set",
			   obj, note ? value : detail) != 0 ||
	    vg_store_add_timeline(s, id, now_ns(), note ? "note" : "change",
				  note ? value : detail) != 0) {
		vg_store_rollback(s);
		return -1;
	}
	return vg_store_commit(s);
}

int vg_store_rows(struct vg_store *s, const char *what, int64_t id,
		  int limit, vg_row_fn fn, void *arg)
{
	const char *sql;
	sqlite3_stmt *st;
	int rc, n = 0;

	if (strcmp(what, "timeline") == 0)
		sql = "SELECT ts, kind, text FROM timeline WHERE incident_id = ?"
		      " ORDER BY ts, id LIMIT ?";
	else if (strcmp(what, "observables") == 0)
		sql = "SELECT kind, value FROM observables WHERE incident_id = ?"
		      " ORDER BY kind, value LIMIT ?";
	else if (strcmp(what, "positions") == 0)
		sql = "SELECT source, lineno, base + offset, updated FROM positions"
		      " WHERE ? = ? ORDER BY source LIMIT ?";
	else if (strcmp(what, "summary") == 0)
		/* alerts, last alert time, open incidents, incidents, active
		 * decisions, simulated ones, bouncers */
		sql = "SELECT (SELECT count(*) FROM alerts),"
		      " (SELECT coalesce(max(ts), 0) FROM alerts),"
		      " (SELECT count(*) FROM incidents WHERE status NOT IN"
		      "  ('closed','rejected','duplicate','false-positive')),"
		      " (SELECT count(*) FROM incidents),"
		      " (SELECT count(*) FROM decisions WHERE deleted = 0 AND"
		      "  until > ?1 AND simulated = 0),"
		      " (SELECT count(*) FROM decisions WHERE deleted = 0 AND"
		      "  until > ?1 AND simulated = 1),"
		      " (SELECT count(*) FROM bouncers) WHERE ?2 = ?2 LIMIT ?3";
	else if (strcmp(what, "alerts") == 0)
		sql = "SELECT ts, level, rule_title, source, lineno,"
		      " coalesce(src_ip, ''), coalesce(user, ''), grp,"
		      " coalesce(incident_id, '') FROM alerts"
		      " WHERE ? = 0 OR incident_id = ? ORDER BY ts DESC, id DESC"
		      " LIMIT ?";
	else
		return -1;
	if ((st = stmt(s, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (strcmp(what, "alerts") == 0 || strcmp(what, "positions") == 0 ||
	    strcmp(what, "summary") == 0) {
		sqlite3_bind_int64(st, 2, id);
		sqlite3_bind_int(st, 3, limit);
	} else {
		sqlite3_bind_int(st, 2, limit);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *cols[16];
		int nc = sqlite3_column_count(st);
		for (int i = 0; i < nc && i < 16; i++)
			cols[i] = col(st, i);
		n++;
		if (fn(nc, cols, arg) != 0)
			break;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(s, "listing");
	return n;
}

/* ---- decisions and bouncers ---- */

int64_t vg_store_now(void) { return now_ns(); }

int64_t vg_store_add_decision(struct vg_store *s, const struct vg_decision *d)
{
	sqlite3_stmt *st = stmt(
		s, "INSERT INTO decisions (created, until, scope, value, origin,"
		   " reason, alert_id, simulated, type, scenario)"
		   " VALUES (?,?,?,?,?,?,?,?,?,?)");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, d->created);
	sqlite3_bind_int64(st, 2, d->until);
	text(st, 3, d->scope);
	text(st, 4, d->value);
	text(st, 5, d->origin);
	text(st, 6, d->reason);
	if (d->alert_id > 0)
		sqlite3_bind_int64(st, 7, d->alert_id);
	else
		sqlite3_bind_null(st, 7);
	sqlite3_bind_int(st, 8, d->simulated);
	text(st, 9, d->type ? d->type : "ban");
	text(st, 10, d->scenario ? d->scenario : "");
	if (run(s, st, "adding a decision") != 0)
		return -1;
	return sqlite3_last_insert_rowid(s->db);
}

int vg_store_delete_decisions(struct vg_store *s, int64_t id,
			      const char *value, int64_t now)
{
	sqlite3_stmt *st = stmt(
		s, "UPDATE decisions SET deleted = 1, until = min(until, ?)"
		   " WHERE deleted = 0 AND until > ? AND (id = ? OR value = ?)");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, id);
	text(st, 4, value ? value : "");
	if (run(s, st, "deleting decisions") != 0)
		return -1;
	return sqlite3_changes(s->db);
}

int vg_store_decisions(struct vg_store *s, enum vg_dq q, int64_t since,
		       int64_t now, vg_decision_fn fn, void *arg)
{
	static const char *const sql[] = {
		/* active */
		"SELECT id, created, until, scope, value, origin, coalesce("
		"reason, ''), simulated, type, scenario, deleted FROM decisions"
		" WHERE deleted = 0 AND until > ?2 AND simulated = 0"
		" AND created >= ?1 ORDER BY id",
		/* expired (or deleted) at or after since */
		"SELECT id, created, until, scope, value, origin, coalesce("
		"reason, ''), simulated, type, scenario, deleted FROM decisions"
		" WHERE until <= ?2 AND until >= ?1 AND simulated = 0"
		" ORDER BY id",
		/* everything recent, for the CLI */
		"SELECT id, created, until, scope, value, origin, coalesce("
		"reason, ''), simulated, type, scenario, deleted FROM decisions"
		" WHERE until >= ?1 ORDER BY id DESC LIMIT 10000",
	};
	sqlite3_stmt *st = stmt(s, sql[q]);
	int rc, n = 0;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int64(st, 2, now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct vg_decision d = {
			.id = sqlite3_column_int64(st, 0),
			.created = sqlite3_column_int64(st, 1),
			.until = sqlite3_column_int64(st, 2),
			.scope = col(st, 3),
			.value = col(st, 4),
			.origin = col(st, 5),
			.reason = col(st, 6),
			.simulated = sqlite3_column_int(st, 7),
			.type = col(st, 8),
			.scenario = col(st, 9),
			.deleted = sqlite3_column_int(st, 10),
		};
		n++;
		if (fn(&d, arg) != 0)
			break;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(s, "listing decisions");
	return n;
}

int vg_store_count_decisions(struct vg_store *s, const char *value)
{
	sqlite3_stmt *st = stmt(s, "SELECT count(*) FROM decisions"
				   " WHERE value = ? AND simulated = 0");
	if (st == NULL)
		return -1;
	text(st, 1, value);
	return (int)one_int(s, st, "counting decisions");
}

int vg_store_active_on(struct vg_store *s, const char *value, int64_t now,
			bool simulated)
{
	sqlite3_stmt *st = stmt(s, "SELECT count(*) FROM decisions"
				   " WHERE value = ? AND deleted = 0"
				   " AND until > ? AND simulated = ?");
	if (st == NULL)
		return -1;
	text(st, 1, value);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int(st, 3, simulated);
	return (int)one_int(s, st, "reading decisions");
}

int64_t vg_store_add_bouncer(struct vg_store *s, const char *name,
			     const char *key_hash)
{
	sqlite3_stmt *st = stmt(s, "INSERT INTO bouncers (name, key_hash,"
				   " created) VALUES (?,?,?)");
	if (st == NULL)
		return -1;
	text(st, 1, name);
	text(st, 2, key_hash);
	sqlite3_bind_int64(st, 3, now_ns());
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		if (sqlite3_extended_errcode(s->db) ==
		    SQLITE_CONSTRAINT_UNIQUE) {
			snprintf(s->err, sizeof(s->err),
				 "a bouncer named '%.60s' exists", name);
			return -1;
		}
		return fail(s, "adding a bouncer");
	}
	sqlite3_finalize(st);
	return sqlite3_last_insert_rowid(s->db);
}

int64_t vg_store_bouncer_auth(struct vg_store *s, const char *key_hash,
			      int64_t *last_pull)
{
	sqlite3_stmt *st = stmt(s, "SELECT id, coalesce(last_pull, 0)"
				   " FROM bouncers WHERE key_hash = ?");
	int64_t id = 0;

	if (st == NULL)
		return -1;
	text(st, 1, key_hash);
	if (sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		*last_pull = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return id;
}

int vg_store_bouncer_pulled(struct vg_store *s, int64_t id, int64_t pull,
			    int64_t seen)
{
	sqlite3_stmt *st = stmt(s, pull ? "UPDATE bouncers SET last_pull = ?,"
					  " last_seen = ? WHERE id = ?"
					: "UPDATE bouncers SET last_seen = ?2"
					  " WHERE id = ?3");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, pull);
	sqlite3_bind_int64(st, 2, seen);
	sqlite3_bind_int64(st, 3, id);
	return run(s, st, "updating a bouncer");
}
