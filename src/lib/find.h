/* Byte-string helpers for log-sized text: substring search for short
 * needles, ASCII case folding, hashing of short keys. */
#ifndef VG_FIND_H
#define VG_FIND_H
#include <stddef.h>
#include <stdint.h>

/* Returns the offset of the first needle[0..nn) in hay[0..n), or
 * (size_t)-1; an empty needle is found at 0. Candidates are the places
 * where the needle's first and last bytes both sit, 16 at a time; only
 * those are compared. */
size_t vg_find(const char *hay, size_t n, const char *needle, size_t nn);

/* The same for the last occurrence; an empty needle is found at n. */
size_t vg_rfind(const char *hay, size_t n, const char *needle, size_t nn);

/* The same two searches anchored on needle[a] and needle[z] (a <= z <
 * nn) rather than on its ends, for a needle searched many times:
 * " port " is better found by its 'p' and 't' than by its spaces. */
size_t vg_find_at(const char *hay, size_t n, const char *needle, size_t nn,
		  size_t a, size_t z);
size_t vg_rfind_at(const char *hay, size_t n, const char *needle, size_t nn,
		   size_t a, size_t z);

/* Chooses those anchors for needle[0..nn): its two rarest distinct bytes
 * in log text (spaces, digits and common letters are many). */
void vg_find_anchors(const char *needle, size_t nn, uint32_t *a,
		     uint32_t *z);

/* Writes src[0..n) to dst with A-Z lowered (Sigma's case-insensitive
 * comparison is ASCII's); other bytes are copied as they are. */
void vg_fold_ascii(char *dst, const char *src, size_t n);

/* A hash of p[0..n) for in-memory tables, 8 bytes a step (names, route
 * and group keys are short). Not stable across versions: never save it. */
uint64_t vg_hash_bytes(const char *p, size_t n, uint64_t seed);

#endif
