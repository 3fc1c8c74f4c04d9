/* JSON lines: flattening, escapes, bounds, aliases, stamps. */
#include "../testutil.h"
#include "decode/dec_internal.h"

static void flatten(void **s)
{
	(void)s;
	const struct vg_event *ev = tu_decode(
		"{\"a\":{\"b\":{\"c\":\"deep\"}},\"n\":-1.5e3,\"t\":true,\"z\":null,"
		"\"arr\":[\"x\",{\"k\":\"y\"}],\"e\":{}}");
	assert_int_equal(ev->decoder, VG_DEC_JSON);
	assert_field(ev, "a.b.c", "deep");
	assert_field(ev, "n", "-1.5e3");
	assert_field(ev, "t", "true");
	assert_field(ev, "z", "");
	assert_field(ev, "arr", "x");
	assert_field(ev, "arr.k", "y");
	uint16_t z = vg_intern_find("z", 1);
	assert_true(vg_event_get(ev, z)->flags & VG_FF_NULL);
}

static void escapes(void **s)
{
	(void)s;
	const struct vg_event *ev = tu_decode(
		"{\"m\":\"q\\\"b\\\\s\\/ \\u00e9 \\ud83d\\ude00 \\n\"}");
	assert_field(ev, "m", "q\"b\\s/ é 😀 \n");
}

/* Strings of quotes, backslashes and others, at every length across the
 * scanner's 16-byte steps and the decoder's 64-byte ones, both ways the
 * decoder has (the 64-byte one where the CPU can): each comes back as
 * written, and the field after it is still read (a quote after an odd
 * run of backslashes does not end a string; after an even run it
 * does). Every other line has a long field after the string, so that it
 * is decoded away from the line's end. */
static void backslash_runs_one(void)
{
	static const char *const piece[] = {
		"a", "\\", "\"", "/", "é", "\n", "\t", "x", "\r", "\b", "\f",
		"A", "😀", "\\n"};
	static const char *const esc[] = {
		"a", "\\\\", "\\\"", "\\/", "\\u00e9", "\\n", "\\t", "x",
		"\\r", "\\b", "\\f", "\\u0041", "\\ud83d\\ude00", "\\\\n"};
	enum { NP = sizeof(piece) / sizeof(piece[0]) };
	char want[1024], line[4096];
	uint32_t seed = 12345;

	for (int round = 0; round < 4000; round++) {
		size_t wn = 0, ln = 0;
		int len = round % 150;
		ln += (size_t)snprintf(line, sizeof(line), "{\"k\":\"");
		for (int i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			/* mostly backslashes and quotes: long runs */
			unsigned k = (seed >> 16) % (10 + NP);
			k = k < 6 ? 1 : k < 10 ? 2 : k - 10;
			memcpy(want + wn, piece[k], strlen(piece[k]));
			wn += strlen(piece[k]);
			memcpy(line + ln, esc[k], strlen(esc[k]));
			ln += strlen(esc[k]);
		}
		want[wn] = '\0';
		ln += (size_t)snprintf(line + ln, sizeof(line) - ln,
				       "\",\"z\":\"end\"");
		if (round % 2)
			ln += (size_t)snprintf(line + ln, sizeof(line) - ln,
					       ",\"pad\":\"%0100d\"", 0);
		snprintf(line + ln, sizeof(line) - ln, "}");
		const struct vg_event *ev = tu_decode(line);
		assert_int_equal(ev->decoder, VG_DEC_JSON);
		assert_field(ev, "k", want);
		assert_field(ev, "z", "end");
	}
	/* the only quote left is escaped, at every place: no end */
	for (int pad = 0; pad < 140; pad++) {
		int n = snprintf(line, sizeof(line), "{\"k\":\"%*s\\\"}", pad,
				 "");
		assert_true(n > 0);
		const struct vg_event *ev = tu_decode(line);
		assert_int_equal(ev->decoder, VG_DEC_NONE);
		/* and with an even run, the string ends there */
		snprintf(line, sizeof(line), "{\"k\":\"%*s\\\\\"}", pad, "");
		ev = tu_decode(line);
		assert_int_equal(ev->decoder, VG_DEC_JSON);
		/* a bad escape after a run, far from the line's end */
		snprintf(line, sizeof(line),
			 "{\"k\":\"%*s\\\\\\q\",\"pad\":\"%0100d\"}", pad, "",
			 0);
		ev = tu_decode(line);
		assert_int_equal(ev->decoder, VG_DEC_NONE);
	}
}

static void backslash_runs(void **s)
{
	(void)s;
	bool wide = vg_json_wide(false);
	assert_false(wide);
	backslash_runs_one();
	if (vg_json_wide(true))
		backslash_runs_one();
	else
		print_message("no AVX-512 here: the 16-byte way only\n");
}

static void bad_json(void **s)
{
	(void)s;
	static const char *const bad[] = {
		"{\"a\":1", "{\"a\":}", "{\"a\" 1}", "{\"a\":\"x}", "{a:1}",
		"{\"a\":1} trailing", "{\"a\":01}", "{\"a\":\"\\q\"}",
		"{\"a\":\"\\u12\"}", "{\"a\":\"raw\ttab\"}", "{\"a\":tru}",
		"{\"a\":\"\\\ttab\"}", "{\"a\":\"x\\\\\\\"}",
		"{\"a\":\"0123456789abcdef\\\"}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct vg_event *ev = tu_decode(bad[i]);
		assert_int_equal(ev->decoder, VG_DEC_NONE);
		assert_true(ev->flags & VG_EV_UNDECODED);
		assert_field(ev, "message", bad[i]);
	}
}

static void depth_bound(void **s)
{
	(void)s;
	char line[512];
	size_t o = 0;

	for (int i = 0; i < 40; i++)
		line[o++] = '{', line[o++] = '"', line[o++] = 'a',
		line[o++] = '"', line[o++] = ':';
	line[o++] = '1';
	for (int i = 0; i < 40; i++)
		line[o++] = '}';
	line[o] = '\0';
	const struct vg_event *ev = tu_decode(line);
	assert_int_equal(ev->decoder, VG_DEC_NONE); /* deeper than 32 */
}

static void field_bound(void **s)
{
	(void)s;
	static char line[20000];
	size_t o = 0;

	line[o++] = '{';
	for (int i = 0; i < 400; i++)
		o += (size_t)snprintf(line + o, sizeof(line) - o, "%s\"f%d\":%d",
				      i ? "," : "", i, i);
	line[o++] = '}';
	line[o] = '\0';
	const struct vg_event *ev = tu_decode(line);
	assert_int_equal(ev->decoder, VG_DEC_JSON);
	assert_int_equal(ev->nfields, VG_EVENT_MAXFIELDS);
	assert_true(tu_batch->fields_dropped >= 400 - VG_EVENT_MAXFIELDS);
}

static void web_json(void **s)
{
	(void)s;
	const struct vg_event *ev = tu_decode(
		"{\"time_iso8601\":\"2024-02-10T21:23:40+01:00\",\"remote_addr\":"
		"\"192.0.2.5\",\"request_method\":\"GET\",\"request_uri\":\"/x?y=1\","
		"\"status\":404,\"http_user_agent\":\"curl/8.0\"}");
	assert_int_equal(ev->category, VG_N_LS_WEBSERVER);
	assert_field(ev, "c-ip", "192.0.2.5");
	assert_field(ev, "source.ip", "192.0.2.5");
	assert_field(ev, "cs-method", "GET");
	assert_field(ev, "cs-uri", "/x?y=1");
	assert_field(ev, "sc-status", "404");
	assert_field(ev, "cs-user-agent", "curl/8.0");
	assert_string_equal(tu_ts(ev), "2024-02-10T20:23:40Z");
	ev = tu_decode("{\"ts\":1700000000.25,\"msg\":\"x\"}");
	assert_string_equal(tu_ts(ev), "2023-11-14T22:13:20.250Z");
	ev = tu_decode("{\"Event\":{\"System\":{\"EventID\":4625,\"TimeCreated\":"
		       "{\"SystemTime\":\"2024-05-01T10:00:00.000Z\"}}}}");
	assert_field(ev, "Event.System.EventID", "4625");
	assert_string_equal(tu_ts(ev), "2024-05-01T10:00:00Z");
}

/* One context over many records: names met at another rank, names of
 * every length, and more names than the cache has room for must all come
 * back as themselves. */
static void name_cache(void **s)
{
	(void)s;
	struct vg_decode_ctx dc;
	struct vg_batch *b = vg_batch_new(8);
	static const char pad[] = "_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
	char line[4096], name[64];

	vg_decode_ctx_init(&dc, 1767225600, VG_FMT_AUTO);
	for (int r = 0; r < 400; r++) {
		size_t o = 0;
		line[o++] = '{';
		for (int k = 0; k < 20; k++) {
			int u = (r * 7 + k * 13) % 900; /* 900 names */
			int len = u % 41;
			snprintf(name, sizeof(name), "%c%.*s%d", 'a' + u % 26, len,
				 pad, u);
			o += (size_t)snprintf(line + o, sizeof(line) - o,
					      "%s\"%s\":\"=%s\"", k ? "," : "",
					      name, name);
		}
		line[o++] = '}';
		line[o] = '\0';
		struct vg_record rec = {.p = line, .len = (uint32_t)o,
					.lineno = 1};
		vg_batch_reset(b);
		const struct vg_event *ev = vg_decode(&dc, b, &rec);
		assert_int_equal(ev->decoder, VG_DEC_JSON);
		assert_int_equal(ev->nfields, 20);
		for (uint32_t i = 0; i < ev->nfields; i++) {
			size_t n;
			const char *nm = vg_intern_str(ev->fields[i].id, &n);
			assert_int_equal(ev->fields[i].len, n + 1);
			assert_memory_equal(ev->fields[i].p + 1, nm, n);
		}
	}
	vg_batch_free(b);
}

/* Names remembered from the record before, at the same rank or by their
 * bytes: a name met again with escapes, quotes or control bytes, as a
 * prefix of another, or with an object value comes out as the JSON says. */
static void name_cache_bytes(void **s)
{
	(void)s;
	static const struct {
		const char *line, *name; /* name: of the first field */
		uint32_t nfields;
	} c[] = {
		{"{\"a\\\\b\":\"1\"}", "a\\b", 1},
		{"{\"a\\b\":\"2\"}", "a\b", 1},   /* backspace, not a\b */
		{"{\"a\\\\b\":\"3\"}", "a\\b", 1},
		{"{\"q\\\"x\":\"4\"}", "q\"x", 1},
		{"{\"q\\\"x\":\"5\"}", "q\"x", 1},
		{"{\"abc\":\"6\",\"z\":\"7\"}", "abc", 2},
		{"{\"abcd\":\"8\",\"z\":\"9\"}", "abcd", 2},
		{"{\"abc\":\"6\",\"z\":\"7\"}", "abc", 2},
		{"{\"ab\":\"6\",\"z\":\"7\"}", "ab", 2},
		{"{\"abc\":{\"x\":\"1\"},\"z\":\"2\"}", "abc.x", 2},
		{"{\"abc\":17,\"z\":\"2\"}", "abc", 2},
		{"{\"abc\":[\"1\",\"2\"]}", "abc", 2},
		{"{\"n\\nl\":\"1\"}", "n\nl", 1},
	};
	struct vg_decode_ctx dc;
	struct vg_batch *b = vg_batch_new(8);

	vg_decode_ctx_init(&dc, 1767225600, VG_FMT_AUTO);
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct vg_record rec = {.p = c[i].line,
					.len = (uint32_t)strlen(c[i].line),
					.lineno = 1};
		size_t n;
		vg_batch_reset(b);
		const struct vg_event *ev = vg_decode(&dc, b, &rec);
		assert_int_equal(ev->decoder, VG_DEC_JSON);
		assert_int_equal(ev->nfields, c[i].nfields);
		const char *nm = vg_intern_str(ev->fields[0].id, &n);
		assert_int_equal(n, strlen(c[i].name));
		assert_memory_equal(nm, c[i].name, n);
	}
	/* a raw control byte in a key is refused, even when the record
	 * before had that name (from an escape) at this rank */
	const char bad[] = "{\"n\nl\":\"1\"}";
	struct vg_record rec = {.p = bad, .len = sizeof(bad) - 1,
				.lineno = 1};
	vg_batch_reset(b);
	assert_int_not_equal(vg_decode(&dc, b, &rec)->decoder, VG_DEC_JSON);
	vg_batch_free(b);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(flatten), cmocka_unit_test(escapes),
		cmocka_unit_test(backslash_runs),
		cmocka_unit_test(bad_json), cmocka_unit_test(depth_bound),
		cmocka_unit_test(field_bound), cmocka_unit_test(web_json),
		cmocka_unit_test(name_cache), cmocka_unit_test(name_cache_bytes),
	};
	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(t, NULL, NULL);
}
