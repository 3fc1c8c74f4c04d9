/* Helpers for the unit tests: decode one line, look fields up by name. */
#ifndef VG_TESTUTIL_H
#define VG_TESTUTIL_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "decode/decode.h"
#include "lib/intern.h"
#include "lib/vtime.h"

static struct vg_batch *tu_batch;

/* Decodes line with the reference instant ref (UTC seconds). The event
 * lives until the next call. */
static inline const struct vg_event *tu_decode_at(const char *line, int64_t ref)
{
	struct vg_decode_ctx dc;
	struct vg_record rec = {.p = line, .len = (uint32_t)strlen(line),
				.lineno = 1};

	if (tu_batch == NULL)
		tu_batch = vg_batch_new(8);
	vg_batch_reset(tu_batch);
	vg_decode_ctx_init(&dc, ref, VG_FMT_AUTO);
	return vg_decode(&dc, tu_batch, &rec);
}

static inline const struct vg_event *tu_decode(const char *line)
{
	return tu_decode_at(line, 1767225600); /* 2026-01-01T00:00:00Z */
}

/* The value of the first field called name, NUL-terminated in a static
 * buffer, or NULL when absent. */
static inline const char *tu_field(const struct vg_event *ev, const char *name)
{
	static char buf[8][4096];
	static int k;
	uint16_t id = vg_intern_find(name, strlen(name));
	const struct vg_field *f = id ? vg_event_get(ev, id) : NULL;
	char *o;

	if (f == NULL)
		return NULL;
	o = buf[k++ & 7];
	snprintf(o, sizeof(buf[0]), "%.*s", (int)f->len, f->p);
	return o;
}

#define assert_field(ev, name, want) \
	assert_string_equal(tu_field((ev), (name)) ? tu_field((ev), (name)) : "(absent)", (want))
#define assert_no_field(ev, name) assert_null(tu_field((ev), (name)))

static inline const char *tu_ts(const struct vg_event *ev)
{
	static char b[48];

	if (ev->ts == VG_TS_NONE)
		return "none";
	vg_time_fmt(b, ev->ts);
	return b;
}

#endif
