/* Interned names: each distinct string gets a small integer id for life.
 * Lookups are lock-free; insertions take a mutex. The table has a fixed
 * capacity so that it never moves: past it, vg_intern returns 0. */
#ifndef VG_INTERN_H
#define VG_INTERN_H
#include <stddef.h>
#include <stdint.h>

#define VG_INTERN_MAX 65535u
#define VG_INTERN_NAMELEN 256u

/* Returns the id (>= 1) of the name p[0..n), adding it if new; returns 0
 * when the name is empty, longer than VG_INTERN_NAMELEN, or the table is
 * full (counted in vg_intern_refused). Thread-safe. */
uint16_t vg_intern(const char *p, size_t n);

/* Returns the id of p[0..n) if already interned, else 0. Never adds. */
uint16_t vg_intern_find(const char *p, size_t n);

/* Returns the NUL-terminated name of id, or "" for 0 or an unknown id;
 * *len (if not NULL) receives its length. The string lives for the
 * process's life. */
const char *vg_intern_str(uint16_t id, size_t *len);

/* Names refused because the table was full or the name too long. */
uint64_t vg_intern_refused(void);
uint32_t vg_intern_count(void);

#endif
