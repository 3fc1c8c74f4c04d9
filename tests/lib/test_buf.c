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
		cmocka_unit_test(buf_bound), cmocka_unit_test(arena_bound),
	};
	return cmocka_run_group_tests(t, NULL, NULL);
}
