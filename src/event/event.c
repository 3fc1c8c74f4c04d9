/* Batches of events (see event.h). */
#include "event.h"

#include <stdlib.h>

#include "../lib/arena.h"
#include "../lib/vtime.h"
#include "../lib/xmalloc.h"

struct vg_batch *vg_batch_new(uint32_t cap)
{
	struct vg_batch *b = xcalloc(1, sizeof(*b));

	b->cap = cap;
	b->ev = xcalloc(cap, sizeof(*b->ev));
	/* Room for 16 fields an event on average, and always enough for
	 * one event with the maximum. */
	b->fldcap = cap * 16 + VG_EVENT_MAXFIELDS;
	b->fld = xcalloc(b->fldcap, sizeof(*b->fld));
	b->arena = vg_arena_new(1u << 20, 64u << 20);
	if (b->arena == NULL)
		abort();
	return b;
}

void vg_batch_free(struct vg_batch *b)
{
	if (b == NULL)
		return;
	free(b->ev);
	free(b->fld);
	vg_arena_free(b->arena);
	free(b);
}

void vg_batch_reset(struct vg_batch *b)
{
	b->n = 0;
	b->nfld = 0;
	vg_arena_reset(b->arena);
}

struct vg_event *vg_batch_begin(struct vg_batch *b, const char *raw,
				uint32_t len)
{
	struct vg_event *ev;

	if (b->n >= b->cap || b->fldcap - b->nfld < VG_EVENT_MAXFIELDS)
		return NULL;
	ev = &b->ev[b->n];
	memset(ev, 0, sizeof(*ev));
	ev->ts = VG_TS_NONE;
	ev->raw = raw;
	ev->rawlen = len;
	ev->fields = &b->fld[b->nfld];
	return ev;
}

const struct vg_field *vg_event_get(const struct vg_event *ev, uint16_t id)
{
	for (uint32_t i = 0; i < ev->nfields; i++)
		if (ev->fields[i].id == id)
			return &ev->fields[i];
	return NULL;
}
