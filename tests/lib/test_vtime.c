/* Time parsing at its edges: New Year without a year, leap days, DST
 * changes in a configured zone, offsets and fractions. */
#include <pthread.h>

#include "../testutil.h"

static int64_t ref_of(const char *iso)
{
	struct vg_timectx tc;
	int64_t ts;

	vg_timectx_init(&tc, 0);
	assert_true(vg_time_iso8601(&tc, iso, strlen(iso), &ts) > 0);
	return ts / VG_NS;
}

static const char *fmt(int64_t ns)
{
	static char b[48];
	vg_time_fmt(b, ns);
	return b;
}

static const char *r3164(const char *s, const char *ref)
{
	struct vg_timectx tc;
	int64_t ts;

	vg_timectx_init(&tc, ref_of(ref));
	if (vg_time_rfc3164(&tc, s, strlen(s), &ts) == 0)
		return "invalid";
	return fmt(ts);
}

/* One context reused along a log (its cached stamps) gives each line the
 * instant a fresh context gives it: every second of the minutes around a
 * New Year without a year (the year guess flips inside the last day), a
 * DST change in Paris, and a leap second's :60. */
static void cached_equals_fresh(void **st)
{
	(void)st;
	static const struct {
		const char *tz, *ref, *minute; /* "Mmm dd hh:mm:" */
	} c[] = {
		{"UTC", "2025-01-01T23:59:30Z", "Jan  2 23:59:"},
		{"UTC", "2025-01-01T23:59:30Z", "Jan  3 00:00:"},
		{"UTC", "2025-01-01T23:59:30Z", "Dec 31 23:59:"},
		{"Europe/Paris", "2024-12-01T00:00:00Z", "Mar 31 01:59:"},
		{"Europe/Paris", "2024-12-01T00:00:00Z", "Oct 27 02:30:"},
		{"Europe/Paris", "2024-12-01T00:00:00Z", "Oct 27 03:00:"},
	};
	for (size_t k = 0; k < sizeof(c) / sizeof(c[0]); k++) {
		struct vg_timectx reused, fresh;
		char line[64];

		setenv("TZ", c[k].tz, 1);
		tzset();
		vg_timectx_init(&reused, ref_of(c[k].ref));
		/* seconds in and out of order, repeated, then :60 */
		for (int i = 0; i <= 122; i++) {
			int sec = i <= 60 ? i : (i * 37) % 61;
			int64_t a = 0, b = 0;

			snprintf(line, sizeof(line), "%s%02d host sshd[1]: x",
				 c[k].minute, sec);
			vg_timectx_init(&fresh, ref_of(c[k].ref));
			assert_int_equal(vg_time_rfc3164(&reused, line,
							 strlen(line), &a), 15);
			assert_int_equal(vg_time_rfc3164(&fresh, line,
							 strlen(line), &b), 15);
			assert_int_equal(a, b);
		}
	}
	setenv("TZ", "UTC", 1);
	tzset();
}

static void new_year(void **s)
{
	(void)s;
	setenv("TZ", "UTC", 1);
	tzset();
	/* A log spanning New Year, read on Jan 2: December is last year. */
	assert_string_equal(r3164("Dec 31 23:59:58 h p: x", "2025-01-02T10:00:00Z"),
			    "2024-12-31T23:59:58Z");
	assert_string_equal(r3164("Jan  1 00:00:03 h p: x", "2025-01-02T10:00:00Z"),
			    "2025-01-01T00:00:03Z");
	/* Up to a day ahead of the reference is this year (clock skew). */
	assert_string_equal(r3164("Jan  2 20:00:00", "2025-01-02T10:00:00Z"),
			    "2025-01-02T20:00:00Z");
	assert_string_equal(r3164("Jan  4 20:00:00", "2025-01-02T10:00:00Z"),
			    "2024-01-04T20:00:00Z");
	/* Single-digit day with one space, zero-padded day, explicit year. */
	assert_string_equal(r3164("Nov 2 15:40:14", "2025-12-01T00:00:00Z"),
			    "2025-11-02T15:40:14Z");
	assert_string_equal(r3164("Aug 03 21:39:20", "2025-12-01T00:00:00Z"),
			    "2025-08-03T21:39:20Z");
	assert_string_equal(r3164("Feb 12 2019 14:10:21", "2025-12-01T00:00:00Z"),
			    "2019-02-12T14:10:21Z");
	assert_string_equal(r3164("Feb 30 10:00:00", "2025-12-01T00:00:00Z"),
			    "invalid");
	assert_string_equal(r3164("Foo 12 10:00:00", "2025-12-01T00:00:00Z"),
			    "invalid");
}

static void leap_day(void **s)
{
	(void)s;
	setenv("TZ", "UTC", 1);
	tzset();
	/* Read in 2025, Feb 29 can only be 2024; read in 2027, still 2024. */
	assert_string_equal(r3164("Feb 29 12:00:00", "2025-03-10T00:00:00Z"),
			    "2024-02-29T12:00:00Z");
	assert_string_equal(r3164("Feb 29 12:00:00", "2027-06-01T00:00:00Z"),
			    "2024-02-29T12:00:00Z");
	assert_string_equal(r3164("Feb 29 12:00:00", "2028-03-01T00:00:00Z"),
			    "2028-02-29T12:00:00Z");
	/* Read on Jan 1 2029: Feb 29 2028 is last year's. */
	assert_string_equal(r3164("Feb 29 12:00:00", "2029-01-01T00:00:00Z"),
			    "2028-02-29T12:00:00Z");
}

static void dst_paris(void **s)
{
	(void)s;
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	/* Winter +01:00, summer +02:00. */
	assert_string_equal(r3164("Jan 15 12:00:00", "2024-12-01T00:00:00Z"),
			    "2024-01-15T11:00:00Z");
	assert_string_equal(r3164("Jul 15 12:00:00", "2024-12-01T00:00:00Z"),
			    "2024-07-15T10:00:00Z");
	/* 2024-03-31: 02:00 local jumps to 03:00. */
	assert_string_equal(r3164("Mar 31 01:59:59", "2024-12-01T00:00:00Z"),
			    "2024-03-31T00:59:59Z");
	assert_string_equal(r3164("Mar 31 03:00:00", "2024-12-01T00:00:00Z"),
			    "2024-03-31T01:00:00Z");
	/* A skipped wall time takes the offset before the change. */
	assert_string_equal(r3164("Mar 31 02:30:00", "2024-12-01T00:00:00Z"),
			    "2024-03-31T01:30:00Z");
	/* 2024-10-27: 03:00 local goes back to 02:00; 02:30 happens twice,
	 * the first (summer) one is taken. */
	assert_string_equal(r3164("Oct 27 01:30:00", "2024-12-01T00:00:00Z"),
			    "2024-10-26T23:30:00Z");
	assert_string_equal(r3164("Oct 27 02:30:00", "2024-12-01T00:00:00Z"),
			    "2024-10-27T00:30:00Z");
	assert_string_equal(r3164("Oct 27 03:30:00", "2024-12-01T00:00:00Z"),
			    "2024-10-27T02:30:00Z");
	/* New Year in Paris is 23:00 UTC the day before. */
	assert_string_equal(r3164("Jan  1 00:30:00", "2025-01-01T12:00:00Z"),
			    "2024-12-31T23:30:00Z");
	setenv("TZ", "UTC", 1);
	tzset();
}

static void iso_and_others(void **s)
{
	(void)s;
	struct vg_timectx tc;
	int64_t ts;
	const char *t;

	setenv("TZ", "America/New_York", 1);
	tzset();
	vg_timectx_init(&tc, 0);
	t = "2023-11-14T00:20:42.738197+01:00 host";
	assert_int_equal(vg_time_iso8601(&tc, t, strlen(t), &ts), 32);
	assert_string_equal(fmt(ts), "2023-11-13T23:20:42.738197Z");
	t = "2024-02-29T23:59:60Z";
	assert_int_equal(vg_time_iso8601(&tc, t, strlen(t), &ts), 20);
	assert_string_equal(fmt(ts), "2024-03-01T00:00:00Z");
	t = "2024-07-01 12:00:00.5";
	assert_true(vg_time_iso8601(&tc, t, strlen(t), &ts) > 0);
	assert_string_equal(fmt(ts), "2024-07-01T16:00:00.500Z"); /* EDT */
	t = "2024-07-01T12:00:00-0330";
	assert_true(vg_time_iso8601(&tc, t, strlen(t), &ts) > 0);
	assert_string_equal(fmt(ts), "2024-07-01T15:30:00Z");
	t = "2023-02-29T00:00:00Z";
	assert_int_equal(vg_time_iso8601(&tc, t, strlen(t), &ts), 0);
	t = "10/Oct/2000:13:55:36 -0700";
	assert_int_equal(vg_time_clf(t, strlen(t), &ts), 26);
	assert_string_equal(fmt(ts), "2000-10-10T20:55:36Z");
	t = "2021/09/30 09:23:53";
	assert_int_equal(vg_time_slashed(&tc, t, strlen(t), &ts), 19);
	assert_string_equal(fmt(ts), "2021-09-30T13:23:53Z");
	t = "Thu Oct 13 12:24:49.880562 2022";
	assert_true(vg_time_ctime(&tc, t, strlen(t), &ts) > 0);
	assert_string_equal(fmt(ts), "2022-10-13T16:24:49.880562Z");
	/* Truncated inputs never read past their end. */
	for (size_t n = 0; n < strlen(t); n++)
		assert_int_equal(vg_time_ctime(&tc, t, n, &ts), 0);
	setenv("TZ", "UTC", 1);
	tzset();
}

static void *clf_fresh(void *arg)
{
	int64_t ts;
	return (void *)vg_time_clf(arg, 26, &ts);
}

/* Web logs' dates, one after another: a date met again (its day is
 * remembered) reads as the first time, a new one is read whole, and a
 * bad one is refused even after good ones. */
static void clf_sequence(void **s)
{
	(void)s;
	static const struct {
		const char *t;
		size_t used;
		const char *want;
	} c[] = {
		{"10/Oct/2000:13:55:36 -0700]", 26, "2000-10-10T20:55:36Z"},
		{"10/Oct/2000:13:55:37 +0000]", 26, "2000-10-10T13:55:37Z"},
		{"10/Oct/2000:23:59:59.25 +01", 27, "2000-10-10T22:59:59.250Z"},
		{"10/Oct/2000:24:00:00 +0000]", 0, NULL},
		{"29/Feb/2024:00:00:00 +0000]", 26, "2024-02-29T00:00:00Z"},
		{"29/Feb/2023:00:00:00 +0000]", 0, NULL},
		{"29/Feb/2024:01:02:03 -0130]", 26, "2024-02-29T02:32:03Z"},
		{"29/Feb/2024 01:02:03 +0000]", 0, NULL},
		{"01/jan/1999:00:00:00 +0000]", 26, "1999-01-01T00:00:00Z"},
	};
	char zero[32] = {0};
	int64_t ts;

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		assert_int_equal(vg_time_clf(c[i].t, strlen(c[i].t), &ts),
				 c[i].used);
		if (c[i].want != NULL)
			assert_string_equal(fmt(ts), c[i].want);
	}
	/* eleven NULs and a time: not a date, in a thread that has
	 * remembered none yet */
	memcpy(zero + 11, ":00:00:00 +0000", 15);
	pthread_t th;
	void *used = NULL;
	assert_int_equal(pthread_create(&th, NULL, clf_fresh, zero), 0);
	assert_int_equal(pthread_join(th, &used), 0);
	assert_int_equal((size_t)used, 0);
	assert_int_equal(vg_time_clf(zero, 26, &ts), 0);
}

static void format(void **s)
{
	(void)s;
	assert_string_equal(fmt(0), "1970-01-01T00:00:00Z");
	assert_string_equal(fmt(-1), "1969-12-31T23:59:59.999999999Z");
	assert_string_equal(fmt(951782400LL * VG_NS + 1000000), "2000-02-29T00:00:00.001Z");
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(new_year),
		cmocka_unit_test(cached_equals_fresh), cmocka_unit_test(leap_day),
		cmocka_unit_test(dst_paris), cmocka_unit_test(iso_and_others),
		cmocka_unit_test(clf_sequence), cmocka_unit_test(format),
	};
	return cmocka_run_group_tests(t, NULL, NULL);
}
