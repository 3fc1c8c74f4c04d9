/* See find.h. libc's memmem sets up a two-way search for every call,
 * which costs more than the search itself on a 40-byte value; a memchr
 * on the first byte stalls on needles that start with a common byte
 * (" from ", "\\"). Anchoring on the first and the last byte at once
 * leaves few candidates in text of any kind. */
#include "find.h"

#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Bytes that are many in log text rank low: a candidate anchored on
 * them would be found at every word. */
static unsigned rarity(unsigned char c)
{
	if (c == ' ')
		return 0;
	if (c >= '0' && c <= '9')
		return 1;
	if (c >= 'a' && c <= 'z')
		return strchr("etaoinsrhld", c) != NULL ? 1 : 2;
	return c == '.' || c == '=' || c == ':' ? 1 : 3;
}

void vg_find_anchors(const char *needle, size_t nn, uint32_t *a,
		     uint32_t *z)
{
	size_t x = 0, y = nn ? nn - 1 : 0;

	if (nn >= 3) {
		/* the rarest byte, the first of equals, then the rarest
		 * of the others, the last of equals */
		for (size_t i = 1; i < nn; i++)
			if (rarity((unsigned char)needle[i]) >
			    rarity((unsigned char)needle[x]))
				x = i;
		y = x == 0 ? 1 : 0;
		for (size_t i = 0; i < nn; i++)
			if (i != x && needle[i] != needle[x] &&
			    rarity((unsigned char)needle[i]) >=
				    rarity((unsigned char)needle[y]))
				y = i;
		if (needle[y] == needle[x]) /* all bytes alike: the ends */
			x = 0, y = nn - 1;
		if (x > y) {
			size_t t = x;
			x = y;
			y = t;
		}
	}
	*a = (uint32_t)x;
	*z = (uint32_t)y;
}

size_t vg_find_at(const char *hay, size_t n, const char *needle, size_t nn,
		  size_t a, size_t z)
{
	size_t i = 0;

	if (nn == 0)
		return 0;
	if (nn > n)
		return (size_t)-1;
	if (nn == 1) {
		const char *p = memchr(hay, needle[0], n);
		return p ? (size_t)(p - hay) : (size_t)-1;
	}
	const size_t last = n - nn; /* the last place a match can start */
#ifdef __SSE2__
	const __m128i first = _mm_set1_epi8(needle[a]);
	const __m128i end = _mm_set1_epi8(needle[z]);

	for (; i + 16 <= last + 1; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(hay + i + a));
		__m128i y = _mm_loadu_si128((const __m128i *)(hay + i + z));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(
			_mm_cmpeq_epi8(x, first), _mm_cmpeq_epi8(y, end)));
		while (m != 0) {
			unsigned k = (unsigned)__builtin_ctz(m);
			if (memcmp(hay + i + k, needle, nn) == 0)
				return i + k;
			m &= m - 1;
		}
	}
#endif
	for (; i <= last; i++)
		if (hay[i + a] == needle[a] && hay[i + z] == needle[z] &&
		    memcmp(hay + i, needle, nn) == 0)
			return i;
	return (size_t)-1;
}

size_t vg_find(const char *hay, size_t n, const char *needle, size_t nn)
{
	return vg_find_at(hay, n, needle, nn, 0, nn ? nn - 1 : 0);
}

size_t vg_rfind_at(const char *hay, size_t n, const char *needle, size_t nn,
		   size_t a, size_t z)
{
	if (nn == 0)
		return n;
	if (nn > n)
		return (size_t)-1;
	size_t i = n - nn + 1; /* places [0, i) remain, tried from the top */
#ifdef __SSE2__
	const __m128i first = _mm_set1_epi8(needle[a]);
	const __m128i end = _mm_set1_epi8(needle[z]);

	while (i >= 16) {
		size_t b = i - 16;
		__m128i x = _mm_loadu_si128((const __m128i *)(hay + b + a));
		__m128i y = _mm_loadu_si128((const __m128i *)(hay + b + z));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(
			_mm_cmpeq_epi8(x, first), _mm_cmpeq_epi8(y, end)));
		while (m != 0) {
			unsigned k = 31u - (unsigned)__builtin_clz(m);
			if (memcmp(hay + b + k, needle, nn) == 0)
				return b + k;
			m &= ~(1u << k);
		}
		i = b;
	}
#endif
	while (i-- > 0)
		if (hay[i + a] == needle[a] && hay[i + z] == needle[z] &&
		    memcmp(hay + i, needle, nn) == 0)
			return i;
	return (size_t)-1;
}

size_t vg_rfind(const char *hay, size_t n, const char *needle, size_t nn)
{
	return vg_rfind_at(hay, n, needle, nn, 0, nn ? nn - 1 : 0);
}

void vg_fold_ascii(char *dst, const char *src, size_t n)
{
	size_t i = 0;
#ifdef __SSE2__
	/* 'A'..'Z' moved to the bottom of the signed range, compared once */
	const __m128i shift = _mm_set1_epi8((char)(0x80 - 'A'));
	const __m128i limit = _mm_set1_epi8((char)(0x80 + 26));
	const __m128i bit = _mm_set1_epi8(0x20);

	for (; i + 16 <= n; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(src + i));
		__m128i up = _mm_cmplt_epi8(_mm_add_epi8(x, shift), limit);
		_mm_storeu_si128((__m128i *)(dst + i),
				 _mm_or_si128(x, _mm_and_si128(up, bit)));
	}
#endif
	for (; i < n; i++) {
		unsigned char c = (unsigned char)src[i];
		dst[i] = (char)((unsigned)(c - 'A') < 26u ? c | 0x20 : c);
	}
}

uint64_t vg_hash_bytes(const char *p, size_t n, uint64_t seed)
{
	uint64_t h = seed ^ (n * 0x9e3779b97f4a7c15ull), w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 29;
	}
	if (i < n) {
		w = 0;
		memcpy(&w, p + i, n - i);
		h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	}
	return h ^ h >> 32;
}
