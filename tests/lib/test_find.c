/* vg_find and vg_rfind, and their anchored forms: the same answers as
 * memmem and a plain backward search, at every place and length; ASCII
 * folding of every byte. */
#include "../testutil.h"
#include "lib/find.h"

static size_t ref(const char *h, size_t n, const char *s, size_t k)
{
	const char *p = memmem(h, n, s, k);
	return p ? (size_t)(p - h) : (size_t)-1;
}

static size_t rref(const char *h, size_t n, const char *s, size_t k)
{
	size_t last = (size_t)-1;
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(h + i, s, k) == 0)
			last = i;
	return k == 0 ? n : last;
}

static void edges(void **st)
{
	(void)st;
	const char *h = "Failed password for invalid user admin from 10.0.0.1";
	size_t n = strlen(h);

	assert_int_equal(vg_find(h, n, "", 0), 0);
	assert_int_equal(vg_find(h, n, "F", 1), 0);
	assert_int_equal(vg_find(h, n, "1", 1), n - 8);
	assert_int_equal(vg_find(h, n, " from ", 6), 38);
	assert_int_equal(vg_find(h, n, "10.0.0.1", 8), n - 8);
	assert_int_equal(vg_find(h, n, "10.0.0.2", 8), (size_t)-1);
	assert_int_equal(vg_find(h, 5, "Failed", 6), (size_t)-1);
	assert_int_equal(vg_find(h, n, h, n), 0);
	assert_int_equal(vg_find("aaab", 4, "ab", 2), 2);
	assert_int_equal(vg_find("", 0, "a", 1), (size_t)-1);
	assert_int_equal(vg_rfind(h, n, "", 0), n);
	assert_int_equal(vg_rfind(h, n, "0", 1), n - 3);
	assert_int_equal(vg_rfind("for a for b for c", 17, " for ", 5), 11);
	assert_int_equal(vg_rfind(h, n, "Failed", 6), 0);
	assert_int_equal(vg_rfind(h, 3, "Failed", 6), (size_t)-1);
}

/* Random text over a small alphabet, so that first and last bytes of
 * needles recur and candidates are many; needles cut from the text or
 * made up; every length up to past 2 × 16. */
static void against_memmem(void **st)
{
	(void)st;
	char h[200], s[40];
	unsigned seed = 12345;
	size_t found = 0;

	for (int round = 0; round < 200000; round++) {
		size_t n = (size_t)rand_r(&seed) % sizeof(h);
		size_t k = 1 + (size_t)rand_r(&seed) % 36;

		for (size_t i = 0; i < n; i++)
			h[i] = "ab\\\" "[rand_r(&seed) % 5];
		if (n >= k && rand_r(&seed) % 2) {
			size_t at = (size_t)rand_r(&seed) % (n - k + 1);
			memcpy(s, h + at, k);
		} else {
			for (size_t i = 0; i < k; i++)
				s[i] = "ab\\\" "[rand_r(&seed) % 5];
		}
		size_t want = ref(h, n, s, k);
		assert_int_equal(vg_find(h, n, s, k), want);
		assert_int_equal(vg_rfind(h, n, s, k), rref(h, n, s, k));
		/* any two anchors give the same answers */
		size_t a = (size_t)rand_r(&seed) % k;
		size_t z = a + (size_t)rand_r(&seed) % (k - a);
		assert_int_equal(vg_find_at(h, n, s, k, a, z), want);
		assert_int_equal(vg_rfind_at(h, n, s, k, a, z),
				 rref(h, n, s, k));
		found += want != (size_t)-1;
	}
	assert_true(found > 50000); /* the cases were not all misses */
}

/* The anchors chosen for the templates' literals: inside the needle, in
 * order, on its rarer bytes, and on the ends when all bytes are alike. */
static void anchors(void **st)
{
	(void)st;
	static const char *const w[] = {" port ", " from ", " for ", "ab",
					"x", "    ", "Accepted ", ": ",
					" for invalid user "};
	uint32_t a, z;

	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		size_t nn = strlen(w[i]);

		vg_find_anchors(w[i], nn, &a, &z);
		assert_true(a <= z && z < nn);
		if (nn >= 2)
			assert_true(a < z);
	}
	vg_find_anchors(" port ", 6, &a, &z);
	assert_int_equal(a, 1); /* 'p' */
	assert_int_equal(z, 4); /* 't', not a space */
	vg_find_anchors("    ", 4, &a, &z);
	assert_int_equal(a, 0);
	assert_int_equal(z, 3);
	vg_find_anchors("x", 1, &a, &z);
	assert_int_equal(a, 0);
	assert_int_equal(z, 0);
}

/* Every byte value, at every place of a 40-byte run (so that both the
 * 16-byte steps and the tail see it). */
static void fold(void **st)
{
	(void)st;
	char in[40], out[40];

	for (int c = 0; c < 256; c++)
		for (int at = 0; at < 40; at++) {
			memset(in, 'Q', sizeof(in));
			in[at] = (char)c;
			vg_fold_ascii(out, in, sizeof(in));
			for (int i = 0; i < 40; i++) {
				unsigned char x = (unsigned char)in[i];
				unsigned char want = x >= 'A' && x <= 'Z' ? x + 32 : x;
				assert_int_equal((unsigned char)out[i], want);
			}
		}
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(edges),
		cmocka_unit_test(against_memmem),
		cmocka_unit_test(anchors),
		cmocka_unit_test(fold),
	};
	return cmocka_run_group_tests(t, NULL, NULL);
}
