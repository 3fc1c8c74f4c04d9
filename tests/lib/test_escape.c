/* Output escaping: the exact bytes that hostile input becomes. */
#include "../testutil.h"
#include "lib/escape.h"

static const char *esc(int (*fn)(struct vg_buf *, const char *, size_t),
		       const char *in, size_t n)
{
	static struct vg_buf b;

	vg_buf_free(&b);
	vg_buf_init(&b, 1u << 24);
	assert_int_equal(fn(&b, in, n), 0);
	return vg_buf_cstr(&b);
}

#define J(s) esc(vg_esc_json, s, sizeof(s) - 1)
#define T(s) esc(vg_esc_term, s, sizeof(s) - 1)
#define C(s) esc(vg_esc_csv, s, sizeof(s) - 1)

static void json(void **s)
{
	(void)s;
	assert_string_equal(J("plain é 日本"), "plain é 日本");
	assert_string_equal(J("a\"b\\c"), "a\\\"b\\\\c");
	assert_string_equal(J("<script>alert(1)</script>&"),
			    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\\u0026");
	assert_string_equal(J("\x1b[31mred\x1b[0m"), "\\u001b[31mred\\u001b[0m");
	assert_string_equal(J("nul\0byte"), "nul\\u0000byte");
	assert_string_equal(J("tab\tcr\rlf\n"), "tab\\tcr\\rlf\\n");
	/* Invalid UTF-8: each byte as a lone surrogate, nothing dropped. */
	assert_string_equal(J("\xff\xfe ok"), "\\udcff\\udcfe ok");
	assert_string_equal(J("\xc3"), "\\udcc3");           /* cut sequence */
	assert_string_equal(J("\xc0\xaf"), "\\udcc0\\udcaf"); /* overlong */
	assert_string_equal(J("\xed\xa0\x80"), "\\udced\\udca0\\udc80"); /* surrogate */
	assert_string_equal(J("\xc2\x9b"), "\\u009b");       /* C1 CSI */
	assert_string_equal(J("\xe2\x80\xa8"), "\\u2028");
	assert_string_equal(J("\x7f"), "\\u007f");
}

static void term(void **s)
{
	(void)s;
	assert_string_equal(T("user\x1b]0;pwned\x07"), "user\\x1b]0;pwned\\x07");
	assert_string_equal(T("back\\slash"), "back\\\\slash");
	assert_string_equal(T("\xff"), "\\xff");
	assert_string_equal(T("\xc2\x9b" "2J"), "\\u009b2J");
	assert_string_equal(T("abc\xe2\x80\xae" "gpj.exe"), "abc\\u202egpj.exe");
	assert_string_equal(T("nul\0x"), "nul\\x00x");
	assert_string_equal(T("ok é"), "ok é");
}

static void csv(void **s)
{
	(void)s;
	assert_string_equal(C("=HYPERLINK(\"http://x\")"),
			    "\"'=HYPERLINK(\"\"http://x\"\")\"");
	assert_string_equal(C("+1"), "\"'+1\"");
	assert_string_equal(C("-cmd"), "\"'-cmd\"");
	assert_string_equal(C("@SUM(A1)"), "\"'@SUM(A1)\"");
	assert_string_equal(C("plain, text"), "\"plain, text\"");
	assert_string_equal(C("line\nbreak"), "\"line\\x0abreak\"");
}

static void big(void **s)
{
	(void)s;
	size_t n = 1u << 20;
	char *in = malloc(n);
	struct vg_buf b;

	for (size_t i = 0; i < n; i++)
		in[i] = (char)(i % 3 == 0 ? 0x1b : i % 3 == 1 ? '<' : 0xff);
	vg_buf_init(&b, 64u << 20);
	assert_int_equal(vg_esc_json(&b, in, n), 0);
	assert_int_equal(b.len, n * 6);
	vg_buf_free(&b);
	/* Past the bound: refused, buffer untouched. */
	vg_buf_init(&b, 1000);
	assert_int_equal(vg_esc_json(&b, in, n), -4);
	assert_int_equal(b.len, 0);
	vg_buf_free(&b);
	free(in);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(json), cmocka_unit_test(term),
		cmocka_unit_test(csv), cmocka_unit_test(big),
	};
	return cmocka_run_group_tests(t, NULL, NULL);
}
