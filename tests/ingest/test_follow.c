/* Following a file: partial lines, rename and copytruncate rotations,
 * truncation without a copy, restarts from a saved position (also after
 * two rotations while stopped), over-long lines, starting at the end. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../testutil.h"
#include "ingest/follow.h"

static char dir[64];
static char path[128];

/* What the follower handed out: "offset:text" joined by '|'. */
static char got[1 << 16];

static void on_line(const struct vg_record *r, void *arg)
{
	size_t o = strlen(got);
	(void)arg;
	snprintf(got + o, sizeof(got) - o, "%s%llu:%.*s%s", o ? "|" : "",
		 (unsigned long long)r->offset, (int)(r->len > 20 ? 20 : r->len),
		 r->p, r->flags & VG_REC_TRUNCATED ? "+" : "");
}

static const char *poll_all(struct vg_follow *f)
{
	char err[256];
	got[0] = '\0';
	for (int i = 0; i < 10; i++)
		assert_true(vg_follow_poll(f, 1000, on_line, NULL, err,
					   sizeof(err)) >= 0);
	return got;
}

static void append(const char *p, const char *s)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_APPEND, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	close(fd);
}

static void sh(const char *fmt, const char *a, const char *b)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), fmt, a, b);
	assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/vigie-follow-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/app.log", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sh("rm -rf '%s'%s", dir, "");
	return 0;
}

/* A head longer than VG_HEAD_MAX, so that generations differ by it. */
static char *first(const char *tag)
{
	static char b[400];
	snprintf(b, sizeof(b), "%s %0300d\n", tag, 0);
	return b;
}

static void test_partial_lines(void **state)
{
	(void)state;
	struct vg_follow *f = vg_follow_new(path, 0);
	vg_follow_start(f, NULL, false);
	assert_string_equal(poll_all(f), ""); /* not there yet */
	append(path, "one\ntw");
	assert_string_equal(poll_all(f), "0:one");
	append(path, "o\r\n\nthree\n");
	assert_string_equal(poll_all(f), "4:two|10:three");
	struct vg_fpos p;
	vg_follow_pos(f, &p);
	assert_int_equal(p.offset, 16);
	assert_int_equal(p.lineno, 3);
	assert_int_equal(p.headlen, 16);
	vg_follow_free(f);
}

static void test_rename(void **state)
{
	(void)state;
	char old[160];
	struct vg_follow *f = vg_follow_new(path, 0);
	snprintf(old, sizeof(old), "%s.1", path);
	vg_follow_start(f, NULL, false);
	append(path, "a1\na2\n");
	assert_string_equal(poll_all(f), "0:a1|3:a2");
	append(path, "a3\nlast-without-newline");
	sh("mv '%s' '%s'", path, old);
	append(path, "b1\n");
	/* the rest of the old file, its unterminated last line, then the
	 * new file: offsets go on across them */
	assert_string_equal(poll_all(f), "6:a3|9:last-without-newline|29:b1");
	assert_int_equal(vg_follow_stats(f)->rotations, 1);
	vg_follow_free(f);
}

static void test_copytruncate(void **state)
{
	(void)state;
	char copy[160];
	struct vg_follow *f = vg_follow_new(path, 0);
	snprintf(copy, sizeof(copy), "%s.1", path);
	vg_follow_start(f, NULL, false);
	append(path, first("g1"));
	assert_string_equal(poll_all(f), "0:g1 00000000000000000");
	append(path, "unread\n"); /* written before the copy, not read yet */
	sh("cp '%s' '%s'", path, copy);
	sh(": > '%s'%s", path, "");
	append(path, first("g2")); /* longer than what was read: the head tells */
	assert_string_equal(poll_all(f),
			    "304:unread|311:g2 00000000000000000");
	assert_int_equal(vg_follow_stats(f)->truncations, 1);
	assert_int_equal(vg_follow_stats(f)->lost, 0);
	vg_follow_free(f);
}

/* Truncated and refilled past the offset reached before the follower
 * reads again: the bytes at that offset are the new generation's, and
 * only the head tells. */
static void test_copytruncate_refilled(void **state)
{
	(void)state;
	char copy[160], g2[800];
	struct vg_follow *f = vg_follow_new(path, 0);
	snprintf(copy, sizeof(copy), "%s.1", path);
	vg_follow_start(f, NULL, false);
	append(path, first("g1"));
	assert_string_equal(poll_all(f), "0:g1 00000000000000000");
	append(path, "unread\n");
	sh("cp '%s' '%s'", path, copy);
	sh(": > '%s'%s", path, "");
	snprintf(g2, sizeof(g2), "%s", first("g2"));
	snprintf(g2 + strlen(g2), sizeof(g2) - strlen(g2), "%s", first("g2b"));
	append(path, g2);
	assert_string_equal(
		poll_all(f),
		"304:unread|311:g2 00000000000000000|615:g2b 0000000000000000");
	assert_int_equal(vg_follow_stats(f)->truncations, 1);
	assert_int_equal(vg_follow_stats(f)->lost, 0);
	vg_follow_free(f);
}

/* Renamed, then its successor copied and truncated, before the follower
 * reads again: the copy comes between the two. (Apart by more than the
 * file system's clock step, as rotations are.) */
static void test_behind_two_rotations(void **state)
{
	(void)state;
	char r1[160], r2[160];
	struct vg_follow *f = vg_follow_new(path, 0);
	snprintf(r1, sizeof(r1), "%s.1", path);
	snprintf(r2, sizeof(r2), "%s.2", path);
	vg_follow_start(f, NULL, false);
	append(path, "a1\n");
	assert_string_equal(poll_all(f), "0:a1");
	append(path, "a2\n");
	usleep(20000);
	sh("mv '%s' '%s'", path, r1);
	append(path, "b1\n");
	usleep(20000);
	sh("mv '%s' '%s'", r1, r2);
	sh("cp '%s' '%s'", path, r1);
	sh(": > '%s'%s", path, "");
	append(path, "c1\n");
	assert_string_equal(poll_all(f), "3:a2|6:b1|9:c1");
	assert_int_equal(vg_follow_stats(f)->lost, 0);
	vg_follow_free(f);
}

/* Saved while the file was not there; created, written and rotated away
 * before the restart: that generation is read first, not an older
 * rotated file. */
static void test_restart_absent(void **state)
{
	(void)state;
	char r1[160], r2[160];
	struct timespec ts;
	struct vg_fpos p = {0};
	snprintf(r1, sizeof(r1), "%s.1", path);
	snprintf(r2, sizeof(r2), "%s.2", path);
	append(r2, "older\n");
	struct timespec old[2] = {{.tv_sec = 1000000000}, {.tv_sec = 1000000000}};
	assert_int_equal(utimensat(AT_FDCWD, r2, old, 0), 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	p.saved_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	usleep(30000);
	append(path, "a1\n");
	usleep(30000);
	sh("mv '%s' '%s'", path, r1);
	append(path, "b1\n");
	struct vg_follow *f = vg_follow_new(path, 0);
	vg_follow_start(f, &p, false);
	assert_string_equal(poll_all(f), "0:a1|3:b1");
	vg_follow_free(f);
	/* without the time, the path only */
	p.saved_ns = 0;
	f = vg_follow_new(path, 0);
	vg_follow_start(f, &p, false);
	assert_string_equal(poll_all(f), "0:b1");
	vg_follow_free(f);
}

static void test_truncate_without_copy(void **state)
{
	(void)state;
	struct vg_follow *f = vg_follow_new(path, 0);
	vg_follow_start(f, NULL, false);
	append(path, "x1\nx2\n");
	assert_string_equal(poll_all(f), "0:x1|3:x2");
	sh(": > '%s'%s", path, "");
	append(path, "y\n");
	assert_string_equal(poll_all(f), "6:y");
	assert_int_equal(vg_follow_stats(f)->truncations, 1);
	assert_int_equal(vg_follow_stats(f)->lost, 1);
	vg_follow_free(f);
}

static void test_restart(void **state)
{
	(void)state;
	char r1[160], r2[160];
	struct vg_fpos p;
	struct vg_follow *f = vg_follow_new(path, 0);
	snprintf(r1, sizeof(r1), "%s.1", path);
	snprintf(r2, sizeof(r2), "%s.2", path);
	vg_follow_start(f, NULL, false);
	append(path, first("g1"));
	append(path, "g1b\n");
	assert_string_equal(poll_all(f), "0:g1 00000000000000000|304:g1b");
	vg_follow_pos(f, &p);
	vg_follow_free(f);

	/* stopped: the log grows, is renamed, then the new one grows and is
	 * copied and truncated, and a third one begins */
	append(path, "g1c\n");
	sh("mv '%s' '%s'", path, r1);
	append(path, first("g2"));
	append(path, "g2b\n");
	sh("mv '%s' '%s'", r1, r2);
	sh("cp '%s' '%s'", path, r1);
	sh(": > '%s'%s", path, "");
	append(path, "g3\n");

	f = vg_follow_new(path, 0);
	vg_follow_start(f, &p, false);
	assert_string_equal(poll_all(f),
			    "308:g1c|312:g2 00000000000000000|616:g2b|620:g3");
	vg_follow_free(f);

	/* the same position again, once everything was read: nothing twice */
	f = vg_follow_new(path, 0);
	struct vg_fpos q;
	vg_follow_start(f, &p, false);
	poll_all(f);
	vg_follow_pos(f, &q);
	vg_follow_free(f);
	f = vg_follow_new(path, 0);
	vg_follow_start(f, &q, false);
	assert_string_equal(poll_all(f), "");
	append(path, "g3b\n");
	assert_string_equal(poll_all(f), "623:g3b");
	vg_follow_free(f);
}

static void test_long_line(void **state)
{
	(void)state;
	char big[300];
	struct vg_follow *f = vg_follow_new(path, 100);
	memset(big, 'z', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	vg_follow_start(f, NULL, false);
	append(path, big);
	append(path, "after\n");
	/* cut at the bound, flagged; the next line is whole */
	assert_string_equal(poll_all(f), "0:zzzzzzzzzzzzzzzzzzzz+|299:after");
	vg_follow_free(f);
}

static void test_from_end(void **state)
{
	(void)state;
	append(path, "history\nhalf");
	struct vg_follow *f = vg_follow_new(path, 0);
	vg_follow_start(f, NULL, true);
	/* the unterminated line belongs to what comes next */
	append(path, "-done\nnews\n");
	assert_string_equal(poll_all(f), "8:half-done|18:news");
	vg_follow_free(f);
}

static void test_head_str(void **state)
{
	(void)state;
	struct vg_fpos p = {.headlen = 256, .head = 0x1e63278940f9b28aull}, q;
	char s[32];
	vg_fpos_head_str(&p, s);
	assert_string_equal(s, "256:1e63278940f9b28a");
	assert_int_equal(vg_fpos_head_parse(&q, s), 0);
	assert_int_equal(q.headlen, 256);
	assert_true(q.head == p.head);
	assert_int_equal(vg_fpos_head_parse(&q, "999:0"), -1);
	assert_int_equal(vg_fpos_head_parse(&q, "12:zz"), -1);
	assert_int_equal(vg_fpos_head_parse(&q, "12:1 x"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_partial_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rename, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copytruncate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copytruncate_refilled, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_behind_two_rotations, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_restart_absent, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_truncate_without_copy, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_from_end, setup, teardown),
		cmocka_unit_test(test_head_str),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
