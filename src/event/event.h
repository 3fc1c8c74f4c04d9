/* The event: one decoded record. Its fields are (name id, value slice)
 * pairs whose values point into the read buffer, or into the batch's
 * arena for the few values a decoder has to rewrite (JSON escapes). An
 * event lives in a batch and is valid until the batch is reset. */
#ifndef VG_EVENT_H
#define VG_EVENT_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../lib/vg_err.h"
#include "names.h"

struct vg_arena;

/* Field flags. */
#define VG_FF_NULL 0x1u   /* JSON null: present, no value */
#define VG_FF_SCALAR 0x2u /* JSON number or boolean (printed unquoted) */

struct vg_field {
	const char *p;
	uint32_t len;
	uint16_t id;    /* interned name */
	uint16_t flags; /* VG_FF_* */
};

/* Event flags. */
#define VG_EV_TRUNCATED 0x1u /* record longer than the bound: cut */
#define VG_EV_UNDECODED 0x2u /* no decoder knew the message */
#define VG_EV_NOTIME 0x4u    /* no parsable timestamp */

#define VG_EVENT_MAXFIELDS 256u

struct vg_event {
	int64_t ts;          /* UTC ns since the epoch, VG_TS_NONE if unknown */
	const char *raw;     /* the record, not NUL-terminated */
	uint32_t rawlen;
	uint32_t flags;      /* VG_EV_* */
	struct vg_field *fields;
	uint32_t nfields;
	uint16_t product, category, service; /* logsource, name ids or 0 */
	uint16_t decoder;    /* decoder id (decode.h) */
	uint64_t offset;     /* byte offset of the record in its input */
	uint64_t lineno;     /* 1-based line number in its input */
};

/* A batch owns the events of one read, their fields and an arena. */
struct vg_batch {
	struct vg_event *ev;
	uint32_t n, cap;
	struct vg_field *fld;
	uint32_t nfld, fldcap;
	struct vg_arena *arena;
	uint64_t fields_dropped; /* fields refused by VG_EVENT_MAXFIELDS or
				  * the arena's bound */
};

/* Allocates a batch for up to cap events; aborts on exhaustion (control
 * plane). Free with vg_batch_free. */
struct vg_batch *vg_batch_new(uint32_t cap);
void vg_batch_free(struct vg_batch *b);
void vg_batch_reset(struct vg_batch *b);

/* Starts a new event for raw[0..len): returns it, or NULL when the batch
 * is full (the caller hands the batch on, resets it and starts again). The
 * event is not counted until vg_batch_commit. */
struct vg_event *vg_batch_begin(struct vg_batch *b, const char *raw,
				uint32_t len);
static inline void vg_batch_commit(struct vg_batch *b, struct vg_event *ev)
{
	b->nfld += ev->nfields;
	b->n++;
}

/* Appends a field to the event being built. Returns 0, or VG_E_TOOBIG when
 * the event already has VG_EVENT_MAXFIELDS fields (counted). */
static inline int vg_event_add(struct vg_batch *b, struct vg_event *ev,
			       uint16_t id, const char *p, size_t len,
			       uint16_t flags)
{
	struct vg_field *f;

	if (ev->nfields >= VG_EVENT_MAXFIELDS || len > UINT32_MAX) {
		b->fields_dropped++;
		return VG_E_TOOBIG;
	}
	f = &ev->fields[ev->nfields++];
	f->p = p;
	f->len = (uint32_t)len;
	f->id = id;
	f->flags = flags;
	return 0;
}

/* Adds a static name's text as a value (event.outcome = "failure"). */
static inline int vg_event_add_name(struct vg_batch *b, struct vg_event *ev,
				    uint16_t id, enum vg_name v)
{
	return vg_event_add(b, ev, id, vg_name_str(v), vg_name_len(v), 0);
}

/* Returns the first field named id, or NULL. */
const struct vg_field *vg_event_get(const struct vg_event *ev, uint16_t id);

/* Is field f's value equal to the NUL-terminated s? */
static inline int vg_field_eq(const struct vg_field *f, const char *s)
{
	size_t n = strlen(s);

	return f != NULL && f->len == n && memcmp(f->p, s, n) == 0;
}

#endif
