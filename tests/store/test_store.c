/* The store: migrations, alerts with their positions in one
 * transaction, no duplicate on replay, and atomicity under kill -9. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "../../src/store/store.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/vigie-store-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct vg_alert alert(uint64_t offset)
{
	struct vg_alert a = {
		.ts = 1767225600000000000LL + (int64_t)offset,
		.rule_id = "821c12ca-fee0-4327-8a63-cec0910f31ce",
		.rule_title = "SSH brute force from one source",
		.level = 3,
		.source = "/var/log/auth.log",
		.offset = offset,
		.lineno = offset + 1,
		.src_ip = "198.51.100.7",
		.user = "root",
		.event_json = "{\"fields\":{}}",
	};
	return a;
}

static void test_migrations(void **state)
{
	char err[256], sub[128];
	(void)state;
	snprintf(sub, sizeof(sub), "%s/m", dir);
	struct vg_store *s = vg_store_open(sub, false, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(vg_store_version(s), vg_store_migrations());
	assert_int_equal(vg_store_count(s, "alerts"), 0);
	assert_int_equal(vg_store_count(s, "incidents"), 0);
	assert_int_equal(vg_store_count(s, "decisions"), 0);
	assert_int_equal(vg_store_count(s, "positions"), 0);
	assert_int_equal(vg_store_count(s, "audit"), 0);
	assert_int_equal(vg_store_count(s, "sqlite_master"), -1);
	vg_store_close(s);
	/* reopening applies nothing twice */
	s = vg_store_open(sub, false, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(vg_store_version(s), vg_store_migrations());
	vg_store_close(s);
	/* a store from a newer vigie is refused, untouched */
	char path[256];
	sqlite3 *db;
	snprintf(path, sizeof(path), "%s/vigie.db", sub);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL,
				      NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_null(vg_store_open(sub, false, err, sizeof(err)));
	assert_non_null(strstr(err, "schema 99, newer"));
	/* a missing directory for a reader; a file where a directory is */
	snprintf(sub, sizeof(sub), "%s/nosuch", dir);
	assert_null(vg_store_open(sub, true, err, sizeof(err)));
	assert_non_null(strstr(err, "No such file"));
	assert_null(vg_store_open(path, false, err, sizeof(err)));
	assert_non_null(strstr(err, "not a directory"));
}

static void test_alerts_and_positions(void **state)
{
	char err[256], sub[128];
	int64_t id = 0;
	(void)state;
	snprintf(sub, sizeof(sub), "%s/a", dir);
	struct vg_store *s = vg_store_open(sub, false, err, sizeof(err));
	assert_non_null(s);
	struct vg_alert a = alert(4096);
	struct vg_position p = {.source = "/var/log/auth.log", .inode = 42,
				.offset = 5000, .head = "abc"};
	assert_int_equal(vg_store_begin(s), 0);
	assert_int_equal(vg_store_add_alert(s, &a, &id), 0);
	assert_true(id > 0);
	assert_int_equal(vg_store_set_position(s, &p, false), 0);
	assert_int_equal(vg_store_commit(s), 0);
	/* the same alert again (a replay after a restart): ignored */
	assert_int_equal(vg_store_add_alert(s, &a, &id), 1);
	assert_int_equal(vg_store_count(s, "alerts"), 1);
	/* a rolled back transaction leaves nothing */
	assert_int_equal(vg_store_begin(s), 0);
	struct vg_alert b = alert(8192);
	assert_int_equal(vg_store_add_alert(s, &b, NULL), 0);
	p.offset = 9000;
	assert_int_equal(vg_store_set_position(s, &p, false), 0);
	vg_store_rollback(s);
	assert_int_equal(vg_store_count(s, "alerts"), 1);
	vg_store_close(s);
	/* read back by a reader */
	s = vg_store_open(sub, true, err, sizeof(err));
	assert_non_null(s);
	struct vg_position q;
	assert_int_equal(vg_store_get_position(s, "/var/log/auth.log", &q, false), 1);
	assert_int_equal(q.inode, 42);
	assert_int_equal(q.offset, 5000);
	assert_string_equal(q.head, "abc");
	assert_int_equal(vg_store_get_position(s, "/nosuch", &q, false), 0);
	assert_int_equal(vg_store_count(s, "alerts"), 1);
	vg_store_close(s);
}

/* A writer killed (SIGKILL) at random moments: after each kill the store
 * opens, passes SQLite's integrity check, and its alerts are exactly
 * those of the transactions whose position was committed. */
static void test_kill9(void **state)
{
	char err[256], sub[128];
	(void)state;
	snprintf(sub, sizeof(sub), "%s/k", dir);
	srand((unsigned)time(NULL));
	for (int round = 0; round < 6; round++) {
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			struct vg_store *s =
				vg_store_open(sub, false, err, sizeof(err));
			if (s == NULL)
				_exit(3);
			struct vg_position p = {.source = "f", .inode = 1};
			struct vg_position have;
			uint64_t next = 0;
			if (vg_store_get_position(s, "f", &have, false) == 1)
				next = have.offset;
			for (;;) {
				if (vg_store_begin(s) != 0)
					_exit(4);
				for (int i = 0; i < 50; i++) {
					struct vg_alert a = alert(next++);
					if (vg_store_add_alert(s, &a, NULL) < 0)
						_exit(5);
				}
				p.offset = next;
				if (vg_store_set_position(s, &p, false) != 0 ||
				    vg_store_commit(s) != 0)
					_exit(6);
			}
		}
		usleep(20000 + (useconds_t)(rand() % 200000));
		kill(pid, SIGKILL);
		int st;
		waitpid(pid, &st, 0);
		assert_true(WIFSIGNALED(st));
		struct vg_store *s = vg_store_open(sub, false, err, sizeof(err));
		assert_non_null(s);
		struct vg_position p;
		int64_t n = vg_store_count(s, "alerts");
		int has = vg_store_get_position(s, "f", &p, false);
		assert_true(has >= 0);
		assert_int_equal(n, has ? (int64_t)p.offset : 0);
		vg_store_close(s);
		char path[256];
		sqlite3 *db;
		sqlite3_stmt *q;
		snprintf(path, sizeof(path), "%s/vigie.db", sub);
		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check",
						    -1, &q, NULL),
				 SQLITE_OK);
		assert_int_equal(sqlite3_step(q), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(q, 0),
				    "ok");
		sqlite3_finalize(q);
		sqlite3_close(db);
		print_message("# round %d: %lld alerts, consistent\n", round,
			      (long long)n);
	}
}

static void test_audit(void **state)
{
	char err[256], sub[128];
	(void)state;
	snprintf(sub, sizeof(sub), "%s/u", dir);
	struct vg_store *s = vg_store_open(sub, false, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(vg_store_audit(s, "cli:root", "incident.set",
					"incident/1", "status=triage"),
			 0);
	assert_int_equal(vg_store_count(s, "audit"), 1);
	vg_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrations),
		cmocka_unit_test(test_alerts_and_positions),
		cmocka_unit_test(test_kill9),
		cmocka_unit_test(test_audit),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
