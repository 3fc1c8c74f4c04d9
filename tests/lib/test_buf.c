/* Bounded buffers and arenas: bounds hold, nothing half-written. */
#include "../testutil.h"
#include "lib/arena.h"
#include "lib/buf.h"

static void buf_bound(void **s)
{
	(void)s;
	struct vg_buf b;

	vg_buf_init(&b, 8);
	assert_int_equal(vg_buf_puts(&b, "12345"), 0);
	assert_int_equal(vg_buf_puts(&b, "6789"), -4);
	assert_int_equal(b.len, 5);
	assert_int_equal(vg_buf_printf(&b, "%d", 67), 0);
	assert_string_equal(vg_buf_cstr(&b), "1234567");
	assert_int_equal(vg_buf_putc(&b, '8'), 0);
	assert_null(vg_buf_cstr(&b)); /* no room left for the NUL */
	assert_int_equal(b.len, 8);
	vg_buf_free(&b);
}

/* Formatting: into the room there is, into room made for it, or not at
 * all past the bound (the contents stay as they were). */
static void buf_printf_room(void **s)
{
	(void)s;
	struct vg_buf b;
	char want[1200];

	vg_buf_init(&b, 1024);
	assert_int_equal(vg_buf_printf(&b, "%s=%d", "a", 1), 0);
	assert_int_equal(b.len, 3);
	size_t cap = b.cap; /* the first growth's size */
	/* exactly fills the room but for the NUL */
	assert_int_equal(vg_buf_printf(&b, "%*s", (int)(cap - 4), "x"), 0);
	assert_int_equal(b.len, cap - 1);
	assert_int_equal(b.cap, cap);
	/* one more byte than there is room: grows, formats again */
	assert_int_equal(vg_buf_printf(&b, "%s", "yz"), 0);
	assert_true(b.cap > cap);
	snprintf(want, sizeof(want), "a=1%*sxyz", (int)(cap - 5), "");
	assert_string_equal(vg_buf_cstr(&b), want);
	/* past the bound: refused, nothing changed */
	size_t len = b.len;
	assert_int_equal(vg_buf_printf(&b, "%2000d", 5), VG_E_TOOBIG);
	assert_int_equal(b.len, len);
	assert_string_equal(vg_buf_cstr(&b), want);
	vg_buf_free(&b);
}

/* Numbers and padded columns, as printf would write them. */
static void buf_putu_pad(void **s)
{
	(void)s;
	static const unsigned long long v[] = {0, 7, 10, 99, 4294967296ull,
					       18446744073709551615ull};
	static const char *const str[] = {"", "ab", "12345678", "123456789"};
	struct vg_buf b;
	char want[64];

	vg_buf_init(&b, 4096);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		vg_buf_reset(&b);
		assert_int_equal(vg_buf_putu(&b, v[i]), 0);
		snprintf(want, sizeof(want), "%llu", v[i]);
		assert_string_equal(vg_buf_cstr(&b), want);
	}
	for (size_t i = 0; i < sizeof(str) / sizeof(str[0]); i++) {
		vg_buf_reset(&b);
		assert_int_equal(vg_buf_pad(&b, str[i], 8), 0);
		assert_int_equal(vg_buf_pad(&b, str[i], 0), 0);
		assert_int_equal(vg_buf_putc(&b, '|'), 0);
		snprintf(want, sizeof(want), "%-8.8s|", str[i]);
		assert_string_equal(vg_buf_cstr(&b), want);
	}
	vg_buf_free(&b);
	vg_buf_init(&b, 4); /* past the bound: nothing written */
	assert_int_equal(vg_buf_pad(&b, "ab", 8), VG_E_TOOBIG);
	assert_int_equal(vg_buf_putu(&b, 123456), VG_E_TOOBIG);
	assert_int_equal(b.len, 0);
	vg_buf_free(&b);
}

static void arena_bound(void **s)
{
	(void)s;
	struct vg_arena *a = vg_arena_new(1024, 4096);
	void *p;
	int n = 0;

	while ((p = vg_arena_alloc(a, 100)) != NULL)
		n++;
	assert_true(n >= 30 && n <= 40);
	vg_arena_reset(a);
	assert_int_equal(vg_arena_used(a), 0);
	assert_non_null(vg_arena_alloc(a, 100));
	assert_null(vg_arena_alloc(a, 1u << 20));
	assert_string_equal(vg_arena_dup(a, "abc", 3), "abc");
	vg_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(buf_bound), cmocka_unit_test(buf_printf_room),
		cmocka_unit_test(buf_putu_pad),
		cmocka_unit_test(arena_bound),
	};
	return cmocka_run_group_tests(t, NULL, NULL);
}
