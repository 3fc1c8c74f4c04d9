/* What the decoders share among themselves; not for other parts. */
#ifndef VG_DEC_INTERNAL_H
#define VG_DEC_INTERNAL_H
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <emmintrin.h>

#include "../event/event.h"
#include "../lib/find.h"
#include "decode.h"

/* A program decoder adds fields for msg[0..n) to ev and returns true, or
 * returns false having added nothing that the caller keeps (the caller
 * rolls ev->nfields back). */
typedef bool (*vg_progdec_fn)(struct vg_batch *b, struct vg_event *ev,
			      const char *msg, size_t n);

bool vg_dec_sshd(struct vg_batch *, struct vg_event *, const char *, size_t);
bool vg_dec_sudo(struct vg_batch *, struct vg_event *, const char *, size_t);
bool vg_dec_su(struct vg_batch *, struct vg_event *, const char *, size_t);
bool vg_dec_pam(struct vg_batch *, struct vg_event *, const char *, size_t);
/* The part of a PAM message after "pam_unix(service:type): ". */
bool vg_dec_pam_body(struct vg_batch *, struct vg_event *, const char *,
		     size_t);
bool vg_dec_logind(struct vg_batch *, struct vg_event *, const char *,
		   size_t);
bool vg_dec_accounts(struct vg_batch *, struct vg_event *, const char *,
		     size_t);

/* Envelopes: each returns true when it recognised and took the record. */
bool vg_dec_syslog(struct vg_decode_ctx *, struct vg_batch *,
		   struct vg_event *, const char *, size_t);
bool vg_dec_web_access(struct vg_decode_ctx *, struct vg_batch *,
		       struct vg_event *, const char *, size_t);
bool vg_dec_web_bracketed(struct vg_decode_ctx *, struct vg_batch *,
			  struct vg_event *, const char *, size_t);
bool vg_dec_nginx_error(struct vg_decode_ctx *, struct vg_batch *,
			struct vg_event *, const char *, size_t);
bool vg_dec_apache_error(struct vg_decode_ctx *, struct vg_batch *,
			 struct vg_event *, const char *, size_t);
bool vg_dec_json(struct vg_decode_ctx *, struct vg_batch *,
		 struct vg_event *, const char *, size_t);
bool vg_dec_kv(struct vg_decode_ctx *, struct vg_batch *, struct vg_event *,
	       const char *, size_t);
/* JSON strings with escapes are decoded 64 bytes a step where the CPU
 * has AVX-512 (BW, VBMI, VBMI2), else 16. on=false forces the 16-byte
 * way (for tests, which check both); returns whether the wide one is in
 * use. */
bool vg_json_wide(bool on);

void vg_tmpl_init(void);

/* Small cursor helpers. */
static inline bool vg_isdigit(int c) { return c >= '0' && c <= '9'; }
static inline bool vg_starts(const char *p, size_t n, const char *lit,
			     size_t litn)
{
	return n >= litn && memcmp(p, lit, litn) == 0;
}
#define STARTS(p, n, lit) vg_starts((p), (n), lit, sizeof(lit) - 1)

/* Is p[0..n) an IPv4 or IPv6 address (text form, optional %zone)? */
bool vg_looks_ip(const char *p, size_t n);
/* Adds an address field, IPv4-mapped IPv6 (::ffff:a.b.c.d) shortened to
 * IPv4 so that one attacker is one value. */
void vg_add_ip(struct vg_batch *b, struct vg_event *ev, uint16_t id,
	       const char *p, size_t n);

/* Adds "k=v" pairs separated by spaces from p[0..n): known keys map to
 * the names in map (NULL-terminated pairs of key and name id), others
 * are skipped. Values end at the next space. */
struct vg_kvmap {
	const char *key;
	uint16_t id;
};
void vg_add_kv_words(struct vg_batch *b, struct vg_event *ev, const char *p,
		     size_t n, const struct vg_kvmap *map);

/* The index of the first byte a or c in p[0..n), or n: sixteen bytes a
 * step. */
static inline size_t vg_find2(const char *p, size_t n, char a, char c)
{
	size_t i = 0;
	const __m128i va = _mm_set1_epi8(a), vc = _mm_set1_epi8(c);

	for (; i + 16 <= n; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		int m = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, va),
						       _mm_cmpeq_epi8(x, vc)));
		if (m)
			return i + (size_t)__builtin_ctz((unsigned)m);
	}
	for (; i < n; i++)
		if (p[i] == a || p[i] == c)
			return i;
	return n;
}

#endif
