/* Bump allocator for the hot path: one per batch, reset (not freed)
 * between batches, so decoding allocates nothing from malloc per event. */
#ifndef VG_ARENA_H
#define VG_ARENA_H
#include <stddef.h>

struct vg_arena;

/* Creates an arena whose chunks are at least chunk bytes and whose total
 * size never exceeds limit bytes. Returns NULL on allocation failure. */
struct vg_arena *vg_arena_new(size_t chunk, size_t limit);
void vg_arena_free(struct vg_arena *a);

/* Returns n bytes aligned to 8, valid until the next reset, or NULL when
 * the arena's limit would be exceeded (the caller counts and reports). */
void *vg_arena_alloc(struct vg_arena *a, size_t n);

/* Copies [p, p+n) into the arena and returns the copy, or NULL. */
char *vg_arena_dup(struct vg_arena *a, const void *p, size_t n);

/* Forgets every allocation; keeps the first chunk for reuse. */
void vg_arena_reset(struct vg_arena *a);

/* Bytes handed out since the last reset. */
size_t vg_arena_used(const struct vg_arena *a);

#endif
