/* Chunked bump allocator. The first chunk is kept across resets; extra
 * chunks, needed only by unusually large batches, are freed on reset. */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct chunk {
	struct chunk *next;
	size_t size, used;
	max_align_t data[];
};

struct vg_arena {
	struct chunk *head; /* current chunk; the list ends in the first one */
	size_t chunk, limit, total, used;
};

static struct chunk *chunk_new(size_t size)
{
	struct chunk *c = malloc(sizeof(*c) + size);

	if (c == NULL)
		return NULL;
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

struct vg_arena *vg_arena_new(size_t chunk, size_t limit)
{
	struct vg_arena *a = calloc(1, sizeof(*a));

	if (a == NULL)
		return NULL;
	a->chunk = chunk < 256 ? 256 : chunk;
	a->limit = limit < a->chunk ? a->chunk : limit;
	a->head = chunk_new(a->chunk);
	if (a->head == NULL) {
		free(a);
		return NULL;
	}
	a->total = a->chunk;
	return a;
}

void vg_arena_free(struct vg_arena *a)
{
	struct chunk *c, *n;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = n) {
		n = c->next;
		free(c);
	}
	free(a);
}

void *vg_arena_alloc(struct vg_arena *a, size_t n)
{
	struct chunk *c = a->head;
	size_t need = (n + 7) & ~(size_t)7;
	void *p;

	if (need < n)
		return NULL;
	if (c->size - c->used < need) {
		size_t sz = need > a->chunk ? need : a->chunk;

		if (a->total + sz > a->limit || a->total + sz < a->total)
			return NULL;
		c = chunk_new(sz);
		if (c == NULL)
			return NULL;
		c->next = a->head;
		a->head = c;
		a->total += sz;
	}
	p = (char *)c->data + c->used;
	c->used += need;
	a->used += need;
	return p;
}

char *vg_arena_dup(struct vg_arena *a, const void *p, size_t n)
{
	char *d = vg_arena_alloc(a, n + 1);

	if (d == NULL)
		return NULL;
	memcpy(d, p, n);
	d[n] = '\0';
	return d;
}

void vg_arena_reset(struct vg_arena *a)
{
	struct chunk *c = a->head, *n;

	while (c->next != NULL) {
		n = c->next;
		a->total -= c->size;
		free(c);
		c = n;
	}
	a->head = c;
	c->used = 0;
	a->used = 0;
}

size_t vg_arena_used(const struct vg_arena *a)
{
	return a->used;
}
