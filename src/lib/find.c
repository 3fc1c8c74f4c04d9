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

size_t vg_find(const char *hay, size_t n, const char *needle, size_t nn)
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
	const __m128i first = _mm_set1_epi8(needle[0]);
	const __m128i end = _mm_set1_epi8(needle[nn - 1]);

	for (; i + 16 <= last + 1; i += 16) {
		__m128i a = _mm_loadu_si128((const __m128i *)(hay + i));
		__m128i b = _mm_loadu_si128((const __m128i *)(hay + i + nn - 1));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(
			_mm_cmpeq_epi8(a, first), _mm_cmpeq_epi8(b, end)));
		while (m != 0) {
			unsigned k = (unsigned)__builtin_ctz(m);
			if (memcmp(hay + i + k + 1, needle + 1, nn - 2) == 0)
				return i + k;
			m &= m - 1;
		}
	}
#endif
	for (; i <= last; i++)
		if (hay[i] == needle[0] && hay[i + nn - 1] == needle[nn - 1] &&
		    memcmp(hay + i + 1, needle + 1, nn - 2) == 0)
			return i;
	return (size_t)-1;
}

size_t vg_rfind(const char *hay, size_t n, const char *needle, size_t nn)
{
	if (nn == 0)
		return n;
	if (nn > n)
		return (size_t)-1;
	size_t i = n - nn + 1; /* places [0, i) remain, tried from the top */
#ifdef __SSE2__
	const __m128i first = _mm_set1_epi8(needle[0]);
	const __m128i end = _mm_set1_epi8(needle[nn - 1]);

	while (i >= 16) {
		size_t b = i - 16;
		__m128i a = _mm_loadu_si128((const __m128i *)(hay + b));
		__m128i z = _mm_loadu_si128((const __m128i *)(hay + b + nn - 1));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(
			_mm_cmpeq_epi8(a, first), _mm_cmpeq_epi8(z, end)));
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
		if (hay[i] == needle[0] && memcmp(hay + i, needle, nn) == 0)
			return i;
	return (size_t)-1;
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
