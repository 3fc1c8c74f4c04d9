/* Output escaping for JSON, terminal and CSV (see escape.h). */
#include "escape.h"

#include <stdbool.h>
#include <stdint.h>

#include "vg_err.h"

static const char hex[] = "0123456789abcdef";

size_t vg_utf8_seq(const unsigned char *p, size_t n, unsigned *cp)
{
	unsigned c = p[0], v;
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c < 0xc2)
		return 0; /* continuation byte or overlong 2-byte lead */
	if (c < 0xe0) {
		len = 2;
		v = c & 0x1f;
	} else if (c < 0xf0) {
		len = 3;
		v = c & 0x0f;
	} else if (c < 0xf5) {
		len = 4;
		v = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && v < 0x800) || (len == 4 && v < 0x10000) ||
	    v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/* 1 for ASCII bytes that go through JSON unchanged. */
static const uint8_t json_plain[128] = {
	['\t'] = 0,
#define R(a) [a] = 1
	R(' '), R('!'), R('#'), R('$'), R('%'), R('\''), R('('), R(')'),
	R('*'), R('+'), R(','), R('-'), R('.'), R('/'), R('0'), R('1'),
	R('2'), R('3'), R('4'), R('5'), R('6'), R('7'), R('8'), R('9'),
	R(':'), R(';'), R('='), R('?'), R('@'), R('A'), R('B'), R('C'),
	R('D'), R('E'), R('F'), R('G'), R('H'), R('I'), R('J'), R('K'),
	R('L'), R('M'), R('N'), R('O'), R('P'), R('Q'), R('R'), R('S'),
	R('T'), R('U'), R('V'), R('W'), R('X'), R('Y'), R('Z'), R('['),
	R(']'), R('^'), R('_'), R('`'), R('a'), R('b'), R('c'), R('d'),
	R('e'), R('f'), R('g'), R('h'), R('i'), R('j'), R('k'), R('l'),
	R('m'), R('n'), R('o'), R('p'), R('q'), R('r'), R('s'), R('t'),
	R('u'), R('v'), R('w'), R('x'), R('y'), R('z'), R('{'), R('|'),
	R('}'), R('~'),
#undef R
};

static void put_u(char *o, unsigned v)
{
	o[0] = '\\';
	o[1] = 'u';
	o[2] = hex[(v >> 12) & 15];
	o[3] = hex[(v >> 8) & 15];
	o[4] = hex[(v >> 4) & 15];
	o[5] = hex[v & 15];
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull
/* Nonzero when some byte of x is zero (may err towards nonzero when a
 * byte is 0x80 or more, which the caller has ruled out). */
#define HASZERO(x) (((x) - ONES) & ~(x) & HIGHS)

/* Are all 8 bytes at p plain for JSON (printable ASCII other than ", \,
 * <, >, &)? A false "no" only sends bytes to the slow path. */
static inline int plain8(const unsigned char *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
	if (x & HIGHS)
		return 0;
	if (((x - ONES * 0x20) & ~x & HIGHS) || HASZERO(x ^ (ONES * '"')) ||
	    HASZERO(x ^ (ONES * '\\')) || HASZERO(x ^ (ONES * '<')) ||
	    HASZERO(x ^ (ONES * '>')) || HASZERO(x ^ (ONES * '&')) ||
	    HASZERO(x ^ (ONES * 0x7f)))
		return 0;
	return 1;
}

#ifdef __SSE2__
#include <emmintrin.h>

/* Number of leading bytes of p[0..16) that are plain for JSON: a signed
 * compare with 0x20 catches both controls and bytes of 0x80 or more. */
static inline unsigned plain16(const unsigned char *p)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i m = _mm_or_si128(
		_mm_or_si128(_mm_cmplt_epi8(x, _mm_set1_epi8(0x20)),
			     _mm_cmpeq_epi8(x, _mm_set1_epi8('"'))),
		_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\\')),
			     _mm_cmpeq_epi8(x, _mm_set1_epi8('<'))));
	m = _mm_or_si128(
		m, _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('>')),
					     _mm_cmpeq_epi8(x, _mm_set1_epi8('&'))),
				_mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f))));
	unsigned bits = (unsigned)_mm_movemask_epi8(m);

	return bits ? (unsigned)__builtin_ctz(bits) : 16;
}
#endif

int vg_esc_json(struct vg_buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	/* Worst case is 6 output bytes per input byte; reserve once. */
	if (n > (SIZE_MAX - 16) / 6 || vg_buf_reserve(b, n * 6) != 0)
		return VG_E_TOOBIG;
	char *o = b->p + b->len;

	while (p < end) {
		unsigned c, cp;
		size_t l;

#ifdef __SSE2__
		if (end - p >= 16) {
			unsigned k = plain16(p);

			memcpy(o, p, 16); /* room: 6 bytes reserved per byte */
			o += k;
			p += k;
			if (k == 16)
				continue;
		}
#endif
		if (end - p >= 8 && plain8(p)) {
			memcpy(o, p, 8);
			o += 8;
			p += 8;
			continue;
		}
		c = *p;

		if (c < 0x80) {
			if (json_plain[c]) {
				*o++ = (char)c;
				p++;
				continue;
			}
			switch (c) {
			case '"': *o++ = '\\'; *o++ = '"'; break;
			case '\\': *o++ = '\\'; *o++ = '\\'; break;
			case '\n': *o++ = '\\'; *o++ = 'n'; break;
			case '\r': *o++ = '\\'; *o++ = 'r'; break;
			case '\t': *o++ = '\\'; *o++ = 't'; break;
			default: put_u(o, c); o += 6; break;
			}
			p++;
			continue;
		}
		l = vg_utf8_seq(p, (size_t)(end - p), &cp);
		if (l == 0) {
			put_u(o, 0xdc00 | c);
			o += 6;
			p++;
		} else if (cp == 0x2028 || cp == 0x2029 ||
			   (cp >= 0x80 && cp < 0xa0)) {
			put_u(o, cp);
			o += 6;
			p += l;
		} else {
			memcpy(o, p, l);
			o += l;
			p += l;
		}
	}
	b->len = (size_t)(o - b->p);
	return 0;
}

static bool bidi_control(unsigned cp)
{
	return (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e ||
	       cp == 0x200f || cp == 0x061c;
}

static char *put_x(char *o, unsigned c)
{
	*o++ = '\\';
	*o++ = 'x';
	*o++ = hex[(c >> 4) & 15];
	*o++ = hex[c & 15];
	return o;
}

int vg_esc_term(struct vg_buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	if (n > (SIZE_MAX - 16) / 6 || vg_buf_reserve(b, n * 6) != 0)
		return VG_E_TOOBIG;
	char *o = b->p + b->len;

	while (p < end) {
		unsigned c = *p, cp;
		size_t l;

		if (c >= 0x20 && c < 0x7f) {
			if (c == '\\')
				*o++ = '\\';
			*o++ = (char)c;
			p++;
			continue;
		}
		if (c < 0x80) {
			o = put_x(o, c);
			p++;
			continue;
		}
		l = vg_utf8_seq(p, (size_t)(end - p), &cp);
		if (l == 0) {
			o = put_x(o, c);
			p++;
		} else if (cp < 0xa0 || bidi_control(cp)) {
			put_u(o, cp);
			o += 6;
			p += l;
		} else {
			memcpy(o, p, l);
			o += l;
			p += l;
		}
	}
	b->len = (size_t)(o - b->p);
	return 0;
}

int vg_esc_csv(struct vg_buf *b, const char *s, size_t n)
{
	struct vg_buf tmp;
	int rc;

	/* Escape controls first, then quote: the escaped text has no control
	 * characters left, so only '"' needs doubling. */
	vg_buf_init(&tmp, n * 6 + 16);
	rc = vg_esc_term(&tmp, s, n);
	if (rc == 0)
		rc = vg_buf_putc(b, '"');
	if (rc == 0 && tmp.len > 0 &&
	    (tmp.p[0] == '=' || tmp.p[0] == '+' || tmp.p[0] == '-' ||
	     tmp.p[0] == '@' || (n > 0 && (s[0] == '\t' || s[0] == '\r'))))
		rc = vg_buf_putc(b, '\'');
	for (size_t i = 0; rc == 0 && i < tmp.len; i++) {
		if (tmp.p[i] == '"')
			rc = vg_buf_putc(b, '"');
		if (rc == 0)
			rc = vg_buf_putc(b, tmp.p[i]);
	}
	if (rc == 0)
		rc = vg_buf_putc(b, '"');
	vg_buf_free(&tmp);
	return rc;
}

void vg_hex(const unsigned char *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 15];
	}
	out[2 * n] = '\0';
}
