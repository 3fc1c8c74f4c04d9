/* Hostile bytes in logs reach the JSON output escaped, exactly. */
#include "../testutil.h"
#include "event/event_json.h"

static const char *json_of(const char *line, size_t n, unsigned opts)
{
	static struct vg_buf b;
	struct vg_decode_ctx dc;
	struct vg_record rec = {.p = line, .len = (uint32_t)n, .lineno = 7};

	if (tu_batch == NULL)
		tu_batch = vg_batch_new(8);
	vg_batch_reset(tu_batch);
	vg_decode_ctx_init(&dc, 1767225600, VG_FMT_AUTO);
	const struct vg_event *ev = vg_decode(&dc, tu_batch, &rec);
	vg_buf_free(&b);
	vg_buf_init(&b, 1u << 26);
	assert_int_equal(vg_event_json(&b, ev, vg_decoder_name(ev->decoder), opts), 0);
	return vg_buf_cstr(&b);
}

static void html_and_escapes_in_user(void **s)
{
	(void)s;
	static const char line[] =
		"Mar  1 10:00:00 h sshd[9]: Invalid user <img src=x onerror=alert(1)>\x1b[2J\xff\x00x from 192.0.2.1 port 22";
	const char *out = json_of(line, sizeof(line) - 1, 0);
	assert_string_equal(out,
		"{\"@timestamp\":\"2025-03-01T10:00:00Z\",\"decoder\":\"sshd\","
		"\"logsource\":{\"product\":\"linux\",\"service\":\"sshd\"},"
		"\"fields\":{\"host.name\":\"h\",\"process.name\":\"sshd\","
		"\"process.pid\":\"9\",\"message\":\"Invalid user \\u003cimg "
		"src=x onerror=alert(1)\\u003e\\u001b[2J\\udcff\\u0000x from "
		"192.0.2.1 port 22\",\"user.name\":\"\\u003cimg src=x "
		"onerror=alert(1)\\u003e\\u001b[2J\\udcff\\u0000x\","
		"\"source.ip\":\"192.0.2.1\",\"source.port\":\"22\","
		"\"event.action\":\"ssh_invalid_user\",\"event.outcome\":"
		"\"failure\",\"user.invalid\":\"true\"}}");
}

static void json_keys_are_escaped(void **s)
{
	(void)s;
	static const char line[] = "{\"<b>\\u001b\":\"v\",\"a\":[1,\"x\",null]}";
	const char *out = json_of(line, sizeof(line) - 1, VG_EJ_RAW);
	assert_string_equal(out,
		"{\"@timestamp\":null,\"decoder\":\"json\",\"logsource\":{},"
		"\"fields\":{\"\\u003cb\\u003e\\u001b\":\"v\",\"a\":[1,\"x\","
		"null]},\"line\":7,\"raw\":\"{\\\"\\u003cb\\u003e\\\\u001b\\\":"
		"\\\"v\\\",\\\"a\\\":[1,\\\"x\\\",null]}\"}");
}

static void undecoded_binary(void **s)
{
	(void)s;
	static const char line[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03";
	const char *out = json_of(line, sizeof(line) - 1, 0);
	assert_string_equal(out,
		"{\"@timestamp\":null,\"decoder\":\"none\",\"logsource\":{},"
		"\"fields\":{\"message\":\"\\u0016\\u0003\\u0001\\u0002\\u0000"
		"\\u0001\\u0000\\u0001\\udcfc\\u0003\\u0003\"},\"undecoded\":true}");
}

static void megabyte_line(void **s)
{
	(void)s;
	size_t n = 1u << 20;
	char *line = malloc(n);
	memset(line, '<', n);
	const char *out = json_of(line, n, 0);
	/* 1 MiB of '<', every one escaped, no crash, nothing lost. */
	assert_non_null(strstr(out, "\\u003c\\u003c"));
	assert_true(strlen(out) > n * 6);
	free(line);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(html_and_escapes_in_user),
		cmocka_unit_test(json_keys_are_escaped),
		cmocka_unit_test(undecoded_binary),
		cmocka_unit_test(megabyte_line),
	};
	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(t, NULL, NULL);
}
