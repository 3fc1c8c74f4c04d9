/* JSON rendering of events (see event_json.h). Fields that occur more
 * than once (JSON arrays flattened) are printed as one array. */
#include "event_json.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>

#include "../lib/escape.h"
#include "../lib/intern.h"
#include "../lib/vtime.h"

#define PUTS(b, s) vg_buf_put((b), (s), sizeof(s) - 1)

static int name(struct vg_buf *b, uint16_t id)
{
	size_t n;
	const char *s;

	/* vigie's own names are plain ASCII: no escaping needed. */
	if (id < VG_N__STATIC)
		return vg_buf_putc(b, '"') |
		       vg_buf_put(b, vg_name_str(id), vg_name_len(id)) |
		       PUTS(b, "\":");
	s = vg_intern_str(id, &n);
	return vg_buf_putc(b, '"') | vg_esc_json(b, s, n) |
	       PUTS(b, "\":");
}

static int value(struct vg_buf *b, const struct vg_field *f)
{
	if (f->flags & VG_FF_NULL)
		return PUTS(b, "null");
	if (f->flags & VG_FF_SCALAR)
		return vg_buf_put(b, f->p, f->len);
	return vg_buf_putc(b, '"') | vg_esc_json(b, f->p, f->len) |
	       vg_buf_putc(b, '"');
}

int vg_event_json(struct vg_buf *b, const struct vg_event *ev,
		  const char *decoder_name, unsigned opts)
{
	int rc = 0;
	char ts[48];
	bool first = true;

	rc |= PUTS(b, "{\"@timestamp\":");
	if (ev->ts == VG_TS_NONE) {
		rc |= PUTS(b, "null");
	} else {
		size_t n = vg_time_fmt(ts, ev->ts);
		rc |= vg_buf_putc(b, '"') | vg_buf_put(b, ts, n) |
		      vg_buf_putc(b, '"');
	}
	rc |= PUTS(b, ",\"decoder\":\"") | vg_buf_puts(b, decoder_name) |
	      PUTS(b, "\",\"logsource\":{");
	static const char *const lsk[3] = {"product", "category", "service"};
	uint16_t lsv[3] = {ev->product, ev->category, ev->service};
	for (int i = 0; i < 3; i++) {
		if (lsv[i] == 0)
			continue;
		if (!first)
			rc |= vg_buf_putc(b, ',');
		first = false;
		rc |= vg_buf_putc(b, '"') | vg_buf_puts(b, lsk[i]) |
		      PUTS(b, "\":\"") | vg_buf_puts(b, vg_intern_str(lsv[i], NULL)) |
		      vg_buf_putc(b, '"');
	}
	rc |= PUTS(b, "},\"fields\":{");
	first = true;
	/* Repeated names (flattened arrays) are rare: a 64-bit filter on the
	 * ids tells, in one pass, whether the simple loop will do. */
	uint64_t seen = 0;
	bool repeats = false;
	for (uint32_t i = 0; i < ev->nfields && !repeats; i++) {
		uint64_t bit = 1ull << (ev->fields[i].id & 63);
		repeats = (seen & bit) != 0;
		seen |= bit;
	}
	for (uint32_t i = 0; i < ev->nfields && !repeats; i++) {
		if (i)
			rc |= vg_buf_putc(b, ',');
		rc |= name(b, ev->fields[i].id) | value(b, &ev->fields[i]);
	}
	for (uint32_t i = 0; i < ev->nfields && repeats; i++) {
		const struct vg_field *f = &ev->fields[i];
		uint32_t j, more = 0;

		for (j = 0; j < i && ev->fields[j].id != f->id; j++)
			;
		if (j < i)
			continue; /* printed with its first occurrence */
		for (j = i + 1; j < ev->nfields; j++)
			more += ev->fields[j].id == f->id;
		if (!first)
			rc |= vg_buf_putc(b, ',');
		first = false;
		rc |= name(b, f->id);
		if (more == 0) {
			rc |= value(b, f);
			continue;
		}
		rc |= vg_buf_putc(b, '[') | value(b, f);
		for (j = i + 1; j < ev->nfields; j++)
			if (ev->fields[j].id == f->id)
				rc |= vg_buf_putc(b, ',') | value(b, &ev->fields[j]);
		rc |= vg_buf_putc(b, ']');
	}
	rc |= vg_buf_putc(b, '}');
	if (ev->flags & VG_EV_UNDECODED)
		rc |= PUTS(b, ",\"undecoded\":true");
	if (ev->flags & VG_EV_TRUNCATED)
		rc |= PUTS(b, ",\"truncated\":true");
	if (opts & VG_EJ_RAW) {
		char num[32];
		int k = snprintf(num, sizeof(num), "%" PRIu64, ev->lineno);
		rc |= PUTS(b, ",\"line\":") | vg_buf_put(b, num, (size_t)k) |
		      PUTS(b, ",\"raw\":\"") | vg_esc_json(b, ev->raw, ev->rawlen) |
		      vg_buf_putc(b, '"');
	}
	rc |= vg_buf_putc(b, '}');
	return rc ? VG_E_TOOBIG : 0;
}
