/* JSON lines. A bounded cursor parser (depth, fields, path length) that
 * flattens an object into dotted field names ({"a":{"b":1}} gives a.b),
 * gives every element of an array the array's name, and keeps values as
 * slices of the line; only strings with escapes are rewritten, into the
 * batch's arena. Known web-log keys (nginx's and Apache's variable names)
 * get their W3C aliases, and a time key sets the event's stamp. */
#include <pthread.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#ifdef __x86_64__
#include <immintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "../lib/arena.h"
#include "../lib/intern.h"
#include "dec_internal.h"

#define MAXDEPTH 32
#define MAXPATH 256

struct jp {
	const char *p, *end;
	const char *pathp; /* the current name: path[], or a top-level key */
	struct vg_decode_ctx *dc; /* its key cache */
	uint32_t nkey;  /* keys emitted so far */
	struct vg_batch *b;
	struct vg_event *ev;
	char path[MAXPATH];
	size_t plen;
	int depth;
};

static __attribute__((noinline)) void ws_skip(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
				 *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

/* One test for the usual case: no white space at all. */
static inline void ws(struct jp *j)
{
	if (__builtin_expect(j->p < j->end && (unsigned char)*j->p > ' ', 1))
		return;
	ws_skip(j);
}

static int hexv(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static bool hex4(const char *p, unsigned *v)
{
	unsigned x = 0;

	for (int i = 0; i < 4; i++) {
		int h = hexv(p[i]);
		if (h < 0)
			return false;
		x = x << 4 | (unsigned)h;
	}
	*v = x;
	return true;
}

static char *utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | cp >> 6);
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | cp >> 12);
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | cp >> 18);
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

/* What the letter after a backslash stands for; 0: not a one-letter
 * escape ('u', or an error). */
static const char esc_byte[256] = {
	['"'] = '"', ['\\'] = '\\', ['/'] = '/', ['b'] = '\b',
	['f'] = '\f', ['n'] = '\n',  ['r'] = '\r', ['t'] = '\t',
};

/* Decodes the escape at q (on its backslash; the string's scan saw a
 * byte after it, before p) into o. Returns the byte after the escape and
 * moves *o, or NULL when it is not a valid escape. */
static inline const char *one_escape(const char *q, const char *p, char **o)
{
	char b = esc_byte[(unsigned char)q[1]];
	unsigned cp, lo;

	if (b != 0) {
		*(*o)++ = b;
		return q + 2;
	}
	q++; /* on the escape's letter */
	if (*q != 'u' || p - q < 5 || !hex4(q + 1, &cp))
		return NULL;
	q += 4;
	if (cp >= 0xd800 && cp < 0xdc00 && p - q >= 7 && q[1] == '\\' &&
	    q[2] == 'u' && hex4(q + 3, &lo) && lo >= 0xdc00 && lo < 0xe000) {
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		q += 6;
	}
	*o = utf8(*o, cp);
	return q + 1;
}

/* Decodes the escapes of q[0..p) (the rest of a string's inside, checked
 * to end on its closing quote) into o, which has room for them and 16
 * bytes more. Each step copies 16 bytes and moves up to the first
 * backslash among them, so a Windows path costs a step a separator; a
 * one-letter escape is a table lookup. Returns the output's end, or NULL
 * on a bad escape. */
static inline char *unescape16(const struct jp *j, const char *q,
			       const char *p, char *o)
{
	while (q < p) {
#ifdef __SSE2__
		if (j->end - q >= 16) {
			/* 16 bytes are in the line: copy them all (the output
			 * has room), keep those before the first backslash */
			__m128i x = _mm_loadu_si128((const __m128i *)q);
			unsigned m = (unsigned)_mm_movemask_epi8(
				_mm_cmpeq_epi8(x, _mm_set1_epi8('\\')));
			size_t left = (size_t)(p - q);
			if (left < 16)
				m &= (1u << left) - 1;
			_mm_storeu_si128((__m128i *)o, x);
			if (m == 0) {
				size_t k = left < 16 ? left : 16;
				q += k;
				o += k;
				continue;
			}
			unsigned k = (unsigned)__builtin_ctz(m);
			q += k;
			o += k;
		} else
#endif
		{
			while (q < p && *q != '\\')
				*o++ = *q++;
			if (q >= p)
				break;
		}
		if ((q = one_escape(q, p, &o)) == NULL)
			return NULL;
	}
	return o;
}

/* Decodes the escapes of start[0..len), a string's inside, into the
 * arena, 16 bytes a step. */
static __attribute__((noinline)) bool unescape(struct jp *j, const char *start,
					       size_t len, const char **s,
					       size_t *n)
{
	char *out = vg_arena_alloc(j->b->arena, len + 16), *o;

	if (out == NULL || (o = unescape16(j, start, start + len, out)) == NULL)
		return false;
	*s = out;
	*n = (size_t)(o - out);
	return true;
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang_analyzer__)
#define HAVE_UNESCAPE512 1
#define T512 \
	__attribute__((target("avx512f,avx512bw,avx512vbmi,avx512vbmi2")))
#define EVEN_BITS 0x5555555555555555ull

/* The backslashes of a block that begin an escape, when the block
 * starts outside one: in each run of backslashes, every other one from
 * the run's first. A run starting on an even bit is found by adding its
 * first bit to the run, which clears it (carrying past its end). */
static inline uint64_t escape_starts(uint64_t bs)
{
	uint64_t first = bs & ~(bs << 1);
	uint64_t from_even = bs & ~(bs + (first & EVEN_BITS));
	uint64_t from_odd = bs & ~from_even;

	return (from_even & EVEN_BITS) | (from_odd & ~EVEN_BITS);
}

/* The same as unescape(), 64 bytes a step with AVX-512 and no step per
 * escape: the escaped letters b f n r t are replaced by what they stand
 * for, and the block is compressed without the backslashes that begin
 * escapes. A block is cut before a run of backslashes it ends on (whose
 * escapes it cannot see whole) and before a \u escape, which is decoded
 * on its own. */
static T512 __attribute__((noinline)) bool
unescape512(struct jp *j, const char *start, size_t len, const char **s,
	    size_t *n)
{
	const char *q = start, *p = start + len;
	char *out = vg_arena_alloc(j->b->arena, len + 16), *o;
	/* the letters b f n r t and what they stand for, at their low six
	 * bits (which tell them apart) */
	static const char lt[64] = {['b' & 63] = 'b', ['f' & 63] = 'f',
				    ['n' & 63] = 'n', ['r' & 63] = 'r',
				    ['t' & 63] = 't'};
	static const char bt[64] = {['b' & 63] = '\b', ['f' & 63] = '\f',
				    ['n' & 63] = '\n', ['r' & 63] = '\r',
				    ['t' & 63] = '\t'};
	const __m512i letter_of = _mm512_loadu_si512(lt);
	const __m512i byte_of = _mm512_loadu_si512(bt);
	if (out == NULL)
		return false;
	o = out;
	while (q < p) {
		size_t left = (size_t)(p - q);
		if (j->end - q < 64) { /* the line's last bytes */
			if ((o = unescape16(j, q, p, o)) == NULL)
				return false;
			break;
		}
		__m512i x = _mm512_loadu_si512((const void *)q);
		uint64_t valid = left >= 64 ? ~0ull : (1ull << left) - 1;
		uint64_t bsall = _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('\\'));
		uint64_t bs = bsall & valid;
		if (bs == 0) {
			_mm512_mask_storeu_epi8(o, valid, x);
			size_t k = left < 64 ? left : 64;
			q += k;
			o += k;
			continue;
		}
		if (left > 64 && bs >> 63) {
			/* ends on a run of backslashes: stop before it */
			uint64_t run = ~bs;
			unsigned top = run == 0 ? 0 : 64 - (unsigned)__builtin_clzll(run);
			if (top == 0) { /* all backslashes: one escape */
				if ((q = one_escape(q, p, &o)) == NULL)
					return false;
				continue;
			}
			valid = (1ull << top) - 1;
			bs &= valid;
		}
		uint64_t st = escape_starts(bs), esc = st << 1;
		uint64_t same = bsall |
				_mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('"')) |
				_mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('/'));
		__m512i is = _mm512_permutexvar_epi8(x, letter_of);
		__m512i to = _mm512_permutexvar_epi8(x, byte_of);
		uint64_t letter = esc & _mm512_cmpeq_epi8_mask(is, x);
		x = _mm512_mask_blend_epi8(letter, x, to);
		uint64_t other = esc & ~same & ~letter & valid;
		if (other != 0) /* stop at that escape's backslash */
			valid &= (other >> 1 & -(other >> 1)) - 1;
		uint64_t keep = valid & ~st;
		__m512i c = _mm512_maskz_compress_epi8(keep, x);
		unsigned kept = (unsigned)__builtin_popcountll(keep);
		_mm512_mask_storeu_epi8(o, kept == 64 ? ~0ull : (1ull << kept) - 1,
					c);
		o += kept;
		q += __builtin_popcountll(valid);
		if (other != 0 && (q = one_escape(q, p, &o)) == NULL)
			return false;
	}
	*s = out;
	*n = (size_t)(o - out);
	return true;
}
#endif

typedef bool (*unescape_fn)(struct jp *, const char *, size_t, const char **,
			    size_t *);
static unescape_fn unescape_best = unescape; /* set once, by init() */
static bool have512;

/* Reads a string at j->p (on its opening quote). Sets *s, *n to its value:
 * in place when it has no escapes, else decoded into the arena. A lone
 * surrogate escape is kept as its 3-byte (invalid UTF-8) form, which the
 * output escaper shows again; nothing is lost.
 *
 * The scan stops only at quotes and control bytes, not at each
 * backslash (Windows paths have many): a quote after an odd run of
 * backslashes is escaped and the scan goes on; the escapes themselves
 * are checked while decoding. */
static inline bool str(struct jp *j, const char **s, size_t *n)
{
	const char *p = j->p + 1, *start = p;
	bool esc = false;

	for (;;) {
#ifdef __SSE2__
		/* 16 bytes at a time up to the next quote or control byte,
		 * noting whether a backslash went by */
		const __m128i quote = _mm_set1_epi8('"');
		const __m128i bslash = _mm_set1_epi8('\\');
		const __m128i flip = _mm_set1_epi8((char)0x80);
		const __m128i ctl = _mm_set1_epi8((char)(0x20 ^ 0x80));
		while (j->end - p >= 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)p);
			unsigned stop = (unsigned)_mm_movemask_epi8(_mm_or_si128(
				_mm_cmpeq_epi8(x, quote),
				_mm_cmplt_epi8(_mm_xor_si128(x, flip), ctl)));
			unsigned bs = (unsigned)_mm_movemask_epi8(
				_mm_cmpeq_epi8(x, bslash));
			if (stop != 0) {
				unsigned k = (unsigned)__builtin_ctz(stop);
				esc |= (bs & ((1u << k) - 1)) != 0;
				p += k;
				goto stop;
			}
			esc |= bs != 0;
			p += 16;
		}
#endif
		while (p < j->end && *p != '"' && (unsigned char)*p >= 0x20) {
			esc |= *p == '\\';
			p++;
		}
		if (p >= j->end)
			return false;
#ifdef __SSE2__
stop:
#endif
		if (*p != '"')
			return false; /* a control byte */
		if (esc && p[-1] == '\\') {
			size_t run = 1;
			while (p - run > start && p[-1 - (ptrdiff_t)run] == '\\')
				run++;
			if (run % 2 == 1) { /* an escaped quote */
				p++;
				continue;
			}
		}
		break;
	}
	j->p = p + 1;
	if (!esc) {
		*s = start;
		*n = (size_t)(p - start);
		return true;
	}
	return unescape_best(j, start, (size_t)(p - start), s, n);
}

static inline uint64_t ld64(const char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static inline uint32_t ld32(const char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* a[0..n) == b[0..n), for names: a few word compares, no call */
static inline bool name_eq(const char *a, const char *b, size_t n)
{
	if (n >= 8) {
		for (size_t i = 0; i + 8 < n; i += 8)
			if (ld64(a + i) != ld64(b + i))
				return false;
		return ld64(a + n - 8) == ld64(b + n - 8);
	}
	if (n >= 4)
		return ld32(a) == ld32(b) && ld32(a + n - 4) == ld32(b + n - 4);
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* A slot of the name cache, from the name's ends and length. */
static inline uint32_t name_slot(const char *s, size_t n)
{
	uint64_t a, b;

	if (n >= 8) {
		a = ld64(s);
		b = ld64(s + n - 8);
	} else if (n >= 4) {
		a = ld32(s);
		b = ld32(s + n - 4);
	} else {
		a = n ? (unsigned char)s[0] | (unsigned)(unsigned char)s[n - 1] << 8
		      : 0;
		b = 0;
	}
	uint64_t h = (a ^ n) * 0x9e3779b97f4a7c15ull ^ b * 0xc2b2ae3d27d4eb4full;
	return (uint32_t)(h >> 40) & (VG_JSON_KEYHASH - 1);
}

/* The id of the current name: the name the record before had at the
 * same place, else the one cached for these bytes, else interned (and
 * remembered in both places). */
static inline uint16_t name_id(struct jp *j)
{
	uint32_t k = j->nkey++;
	const char *s = j->pathp;
	size_t n = j->plen;
	struct vg_json_key *e = NULL, *h;

	if (k < VG_JSON_KEYCACHE) {
		e = &j->dc->jkey[k];
		if (e->len == n && e->id != 0 && name_eq(e->name, s, n))
			return e->id;
	}
	h = &j->dc->jhash[name_slot(s, n)];
	if (!(h->len == n && h->id != 0 && name_eq(h->name, s, n))) {
		uint16_t id = vg_intern(s, n);
		if (id == 0)
			return 0;
		h->id = id;
		h->name = vg_intern_str(id, NULL);
		h->len = (uint32_t)n;
	}
	if (e != NULL)
		*e = *h;
	return h->id;
}

static inline __attribute__((always_inline)) void
emit_here(struct jp *j, const char *v, size_t n, uint16_t flags)
{
	uint16_t id = name_id(j);

	if (id == 0) {
		j->b->fields_dropped++;
		return;
	}
	vg_event_add(j->b, j->ev, id, v, n, flags);
}

static void emit(struct jp *j, const char *v, size_t n, uint16_t flags)
{
	emit_here(j, v, n, flags);
}

static bool value(struct jp *j);

static bool object(struct jp *j)
{
	size_t saved = j->plen;

	if (++j->depth > MAXDEPTH)
		return false;
	if (j->pathp != j->path) { /* a top-level key: children extend it */
		memcpy(j->path, j->pathp, j->plen);
		j->pathp = j->path;
	}
	j->p++;
	ws(j);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		j->depth--;
		return true;
	}
	for (;;) {
		const char *k;
		size_t kn;

		ws(j);
		if (j->p >= j->end || *j->p != '"' || !str(j, &k, &kn))
			return false;
		ws(j);
		if (j->p >= j->end || *j->p != ':')
			return false;
		j->p++;
		/* path = parent "." key, bounded */
		size_t need = saved + (saved ? 1 : 0) + kn;
		if (need > MAXPATH)
			return false;
		if (saved == 0) { /* the name is the key itself: no copy */
			j->pathp = k;
			j->plen = kn;
		} else {
			j->plen = saved;
			j->path[j->plen++] = '.';
			memcpy(j->path + j->plen, k, kn);
			j->plen += kn;
		}
		/* a string, the usual value, without a call */
		ws(j);
		if (j->p < j->end && *j->p == '"') {
			const char *v;
			size_t vn;
			if (!str(j, &v, &vn))
				return false;
			emit_here(j, v, vn, 0);
		} else if (!value(j)) {
			return false;
		}
		j->plen = saved;
		j->pathp = j->path;
		ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == '}') {
			j->p++;
			j->depth--;
			return true;
		}
		return false;
	}
}

static bool array(struct jp *j)
{
	if (++j->depth > MAXDEPTH)
		return false;
	j->p++;
	ws(j);
	if (j->p < j->end && *j->p == ']') {
		j->p++;
		j->depth--;
		return true;
	}
	for (;;) {
		if (!value(j))
			return false;
		ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == ']') {
			j->p++;
			j->depth--;
			return true;
		}
		return false;
	}
}

static bool number(struct jp *j)
{
	const char *s = j->p, *p = s;

	if (p < j->end && *p == '-')
		p++;
	if (p >= j->end || !vg_isdigit(*p))
		return false;
	if (*p == '0')
		p++;
	else
		while (p < j->end && vg_isdigit(*p))
			p++;
	if (p < j->end && *p == '.') {
		p++;
		if (p >= j->end || !vg_isdigit(*p))
			return false;
		while (p < j->end && vg_isdigit(*p))
			p++;
	}
	if (p < j->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < j->end && (*p == '+' || *p == '-'))
			p++;
		if (p >= j->end || !vg_isdigit(*p))
			return false;
		while (p < j->end && vg_isdigit(*p))
			p++;
	}
	j->p = p;
	emit(j, s, (size_t)(p - s), VG_FF_SCALAR);
	return true;
}

static bool lit(struct jp *j, const char *w, size_t n, uint16_t flags)
{
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return false;
	emit(j, flags & VG_FF_NULL ? "" : j->p, flags & VG_FF_NULL ? 0 : n,
	     flags);
	j->p += n;
	return true;
}

static bool value(struct jp *j)
{
	const char *s;
	size_t n;

	ws(j);
	if (j->p >= j->end)
		return false;
	switch (*j->p) {
	case '{':
		return object(j);
	case '[':
		return array(j);
	case '"':
		if (!str(j, &s, &n))
			return false;
		emit(j, s, n, 0);
		return true;
	case 't':
		return lit(j, "true", 4, VG_FF_SCALAR);
	case 'f':
		return lit(j, "false", 5, VG_FF_SCALAR);
	case 'n':
		return lit(j, "null", 4, VG_FF_NULL);
	default:
		return number(j);
	}
}

/* Keys of nginx's and Apache's JSON log formats, and their W3C names. */
static const struct {
	const char *key;
	uint16_t id, id2;
} aliases[] = {
	{"remote_addr", VG_N_C_IP, VG_N_SOURCE_IP},
	{"client_ip", VG_N_C_IP, VG_N_SOURCE_IP},
	{"remote_user", VG_N_CS_USERNAME, 0},
	{"request_method", VG_N_CS_METHOD, 0},
	{"method", VG_N_CS_METHOD, 0},
	{"request_uri", VG_N_CS_URI, 0},
	{"uri", VG_N_CS_URI_STEM, 0},
	{"args", VG_N_CS_URI_QUERY, 0},
	{"query_string", VG_N_CS_URI_QUERY, 0},
	{"server_protocol", VG_N_CS_VERSION, 0},
	{"status", VG_N_SC_STATUS, 0},
	{"body_bytes_sent", VG_N_SC_BYTES, 0},
	{"bytes_sent", VG_N_SC_BYTES, 0},
	{"http_referer", VG_N_CS_REFERER, 0},
	{"http_referrer", VG_N_CS_REFERER, 0},
	{"http_user_agent", VG_N_CS_USER_AGENT, 0},
	{"user_agent", VG_N_CS_USER_AGENT, 0},
	{"host", VG_N_CS_HOST, 0},
	{"server_name", VG_N_CS_HOST, 0},
	{"request_time", VG_N_TIME_TAKEN, 0},
	{"request", VG_N_HTTP_REQUEST, 0},
};
#define NALIAS (sizeof(aliases) / sizeof(aliases[0]))

static const char *const time_keys[] = {
	"@timestamp", "timestamp", "time",     "ts",
	"date",       "datetime",  "time_iso8601", "time_local",
	"EventTime",  "Event.System.TimeCreated.SystemTime",
	"Event.System.TimeCreated.#attributes.SystemTime",
};
#define NTIME (sizeof(time_keys) / sizeof(time_keys[0]))

/* What a key is to post(), by interned id: 0 nothing, 1 + i alias i,
 * ROLE_TIME + t time key t. Filled once; ids never change. */
#define ROLE_TIME 0x80u
static uint8_t role[VG_INTERN_MAX + 1];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init(void)
{
#ifdef HAVE_UNESCAPE512
	__builtin_cpu_init();
	have512 = __builtin_cpu_supports("avx512bw") &&
		  __builtin_cpu_supports("avx512vbmi") &&
		  __builtin_cpu_supports("avx512vbmi2");
	if (have512)
		unescape_best = unescape512;
#endif
	for (size_t i = 0; i < NALIAS; i++) {
		uint16_t id = vg_intern(aliases[i].key, strlen(aliases[i].key));
		if (id != 0 && role[id] == 0)
			role[id] = (uint8_t)(1 + i);
	}
	for (size_t i = 0; i < NTIME; i++) {
		uint16_t id = vg_intern(time_keys[i], strlen(time_keys[i]));
		if (id != 0 && role[id] == 0)
			role[id] = (uint8_t)(ROLE_TIME + i);
	}
}

bool vg_json_wide(bool on)
{
	pthread_once(&once, init);
#ifdef HAVE_UNESCAPE512
	unescape_best = on && have512 ? unescape512 : unescape;
#endif
	return unescape_best != unescape;
}

/* Numeric epoch: seconds, milliseconds or nanoseconds by magnitude. */
static bool epoch(const char *p, size_t n, int64_t *ts)
{
	int64_t v = 0, frac = 0, scale = VG_NS;
	size_t i = 0;

	if (n == 0 || n > 30)
		return false;
	while (i < n && vg_isdigit(p[i])) {
		if (v > INT64_MAX / 10 - 10)
			return false;
		v = v * 10 + (p[i++] - '0');
	}
	if (i < n && p[i] == '.') {
		for (i++; i < n && vg_isdigit(p[i]); i++)
			if (scale > 1) {
				scale /= 10;
				frac += (p[i] - '0') * scale;
			}
	}
	if (i != n)
		return false;
	if (v < 100000000000LL) /* seconds, until the year 5138 */
		*ts = v * VG_NS + frac;
	else if (v < 100000000000000LL)
		*ts = v * 1000000LL;
	else if (v < 100000000000000000LL)
		*ts = v * 1000LL;
	else
		*ts = v;
	return true;
}

static void post(struct vg_decode_ctx *dc, struct vg_batch *b,
		 struct vg_event *ev)
{
	uint32_t n0 = ev->nfields;
	bool ip = false, status = false;

	for (uint32_t i = 0; i < n0; i++) {
		const struct vg_field *f = &ev->fields[i];
		unsigned r = role[f->id];

		if (r == 0)
			continue;
		if (r < ROLE_TIME) {
			size_t a = r - 1;
			vg_event_add(b, ev, aliases[a].id, f->p, f->len, 0);
			if (aliases[a].id2 && vg_looks_ip(f->p, f->len))
				vg_event_add(b, ev, aliases[a].id2, f->p, f->len,
					     0);
			ip |= aliases[a].id == VG_N_C_IP;
			status |= aliases[a].id == VG_N_SC_STATUS;
		} else if (ev->ts == VG_TS_NONE) {
			int64_t ts;

			if (vg_time_iso8601(&dc->tc, f->p, f->len, &ts) ||
			    vg_time_clf(f->p, f->len, &ts) ||
			    vg_time_rfc3164(&dc->tc, f->p, f->len, &ts) ||
			    epoch(f->p, f->len, &ts))
				ev->ts = ts;
		}
	}
	if (ip && status)
		ev->category = VG_N_LS_WEBSERVER;
}

bool vg_dec_json(struct vg_decode_ctx *dc, struct vg_batch *b,
		 struct vg_event *ev, const char *p, size_t n)
{
	struct jp j = {.p = p, .end = p + n, .dc = dc, .b = b, .ev = ev};

	j.pathp = j.path;
	uint32_t mark = ev->nfields;
	bool ok;

	pthread_once(&once, init);
	ws(&j);
	ok = j.p < j.end && *j.p == '{' && object(&j);
	ws(&j);
	ok = ok && j.p == j.end;
	if (!ok) {
		ev->nfields = mark;
		return false;
	}
	post(dc, b, ev);
	ev->decoder = VG_DEC_JSON;
	return true;
}
