/* Fixed-capacity open-addressing table; entries are published with a
 * release store of the slot, read with an acquire load, so readers never
 * lock and never see a half-written name. */
#include "intern.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "find.h"
#include "xmalloc.h"

#define SLOTS (1u << 17) /* twice the maximum: probes stay short */

struct name {
	uint32_t hash;
	uint16_t len;
	char s[];
};

static _Atomic(uint32_t) slots[SLOTS];        /* 0 = empty, else id */
static struct name *_Atomic names[VG_INTERN_MAX + 1];
static _Atomic(uint32_t) count;
static _Atomic(uint64_t) refused;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* Names are short, and this runs for every new key of a JSON record. */
static uint32_t hash(const char *p, size_t n)
{
	return (uint32_t)vg_hash_bytes(p, n, 0);
}

static uint16_t probe(const char *p, size_t n, uint32_t h, uint32_t *slot)
{
	uint32_t i = h & (SLOTS - 1);

	for (;;) {
		uint32_t id = atomic_load_explicit(&slots[i], memory_order_acquire);
		struct name *e;

		if (id == 0) {
			*slot = i;
			return 0;
		}
		e = atomic_load_explicit(&names[id], memory_order_acquire);
		if (e->hash == h && e->len == n && memcmp(e->s, p, n) == 0)
			return (uint16_t)id;
		i = (i + 1) & (SLOTS - 1);
	}
}

uint16_t vg_intern_find(const char *p, size_t n)
{
	uint32_t slot;

	if (n == 0 || n > VG_INTERN_NAMELEN)
		return 0;
	return probe(p, n, hash(p, n), &slot);
}

uint16_t vg_intern(const char *p, size_t n)
{
	uint32_t h, slot, id;
	uint16_t found;
	struct name *e;

	if (n == 0 || n > VG_INTERN_NAMELEN) {
		atomic_fetch_add(&refused, 1);
		return 0;
	}
	h = hash(p, n);
	found = probe(p, n, h, &slot);
	if (found != 0)
		return found;
	pthread_mutex_lock(&lock);
	found = probe(p, n, h, &slot); /* another thread may have added it */
	if (found != 0) {
		pthread_mutex_unlock(&lock);
		return found;
	}
	id = atomic_load(&count) + 1;
	if (id > VG_INTERN_MAX) {
		pthread_mutex_unlock(&lock);
		atomic_fetch_add(&refused, 1);
		return 0;
	}
	e = xmalloc(sizeof(*e) + n + 1);
	e->hash = h;
	e->len = (uint16_t)n;
	memcpy(e->s, p, n);
	e->s[n] = '\0';
	atomic_store_explicit(&names[id], e, memory_order_release);
	atomic_store_explicit(&slots[slot], id, memory_order_release);
	atomic_store(&count, id);
	pthread_mutex_unlock(&lock);
	return (uint16_t)id;
}

const char *vg_intern_str(uint16_t id, size_t *len)
{
	struct name *e = NULL;

	if (id != 0 && id <= atomic_load(&count))
		e = atomic_load_explicit(&names[id], memory_order_acquire);
	if (e == NULL) {
		if (len)
			*len = 0;
		return "";
	}
	if (len)
		*len = e->len;
	return e->s;
}

uint64_t vg_intern_refused(void)
{
	return atomic_load(&refused);
}

uint32_t vg_intern_count(void)
{
	return atomic_load(&count);
}
