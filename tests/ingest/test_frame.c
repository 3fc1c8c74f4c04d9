/* Syslog over a stream: octet counting and LF framing, mixed, split
 * across reads at every byte, and the bounds. */
#include "../testutil.h"
#include "ingest/frame.h"

static char got[4096];

static void on_msg(const char *p, size_t n, void *arg)
{
	size_t o = strlen(got);
	(void)arg;
	snprintf(got + o, sizeof(got) - o, "%s%.*s", o ? "|" : "", (int)n, p);
}

static const char stream[] =
	"<34>1 2026-11-23T01:00:00Z h su - - - one\n"
	"49 <34>1 2026-11-23T01:00:01Z h su - - - two\nwith LF"
	"<13>Nov 23 01:00:02 h sshd[1]: three\r\n"
	"\n"
	"9 <13>four\n";

static void test_mixed_every_split(void **state)
{
	(void)state;
	char err[128];
	const char *want = "<34>1 2026-11-23T01:00:00Z h su - - - one|"
			   "<34>1 2026-11-23T01:00:01Z h su - - - two\nwith LF|"
			   "<13>Nov 23 01:00:02 h sshd[1]: three|<13>four";
	size_t n = sizeof(stream) - 1;

	for (size_t cut = 0; cut <= n; cut++) {
		struct vg_frame f;
		got[0] = '\0';
		vg_frame_init(&f, 0);
		assert_int_equal(vg_frame_feed(&f, stream, cut, on_msg, NULL, err,
					       sizeof(err)), 0);
		assert_int_equal(vg_frame_feed(&f, stream + cut, n - cut, on_msg,
					       NULL, err, sizeof(err)), 0);
		vg_frame_end(&f, on_msg, NULL);
		assert_string_equal(got, want);
		assert_int_equal(f.messages, 4);
		vg_frame_free(&f);
	}
}

static void test_bounds(void **state)
{
	(void)state;
	char err[128], big[300];
	struct vg_frame f;

	vg_frame_init(&f, 100);
	assert_int_equal(vg_frame_feed(&f, "101 x", 5, on_msg, NULL, err,
				       sizeof(err)), -1);
	assert_string_equal(err, "a message of 101 bytes, over the 100 allowed");
	vg_frame_free(&f);

	vg_frame_init(&f, 100);
	assert_int_equal(vg_frame_feed(&f, "12x", 3, on_msg, NULL, err,
				       sizeof(err)), -1);
	assert_string_equal(err, "a message count is not followed by a space");
	vg_frame_free(&f);

	vg_frame_init(&f, 100);
	memset(big, 'a', sizeof(big));
	assert_int_equal(vg_frame_feed(&f, "<1>", 3, on_msg, NULL, err,
				       sizeof(err)), 0);
	assert_int_equal(vg_frame_feed(&f, big, sizeof(big), on_msg, NULL, err,
				       sizeof(err)), -1);
	assert_string_equal(err, "a line longer than 100 bytes");
	vg_frame_free(&f);

	/* a count of nine digits or more is refused, not overflowed */
	vg_frame_init(&f, 0);
	assert_int_equal(vg_frame_feed(&f, "99999999999999999999 x", 22, on_msg,
				       NULL, err, sizeof(err)), -1);
	vg_frame_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mixed_every_split),
		cmocka_unit_test(test_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
