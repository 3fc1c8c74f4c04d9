/* Generic key=value lines (logfmt and the like): key=value, key="quoted
 * value with \" escapes". Keys become field names as written. */
#include "../lib/arena.h"
#include "../lib/intern.h"
#include "dec_internal.h"

static bool keych(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       vg_isdigit(c) || c == '_' || c == '.' || c == '-' || c == '@';
}

bool vg_dec_kv(struct vg_decode_ctx *dc, struct vg_batch *b,
	       struct vg_event *ev, const char *p, size_t n)
{
	uint32_t mark = ev->nfields;
	size_t i = 0, pairs = 0;
	uint16_t tkeys[3] = {vg_intern("time", 4), vg_intern("ts", 2),
			     vg_intern("timestamp", 9)};

	while (i < n) {
		size_t ks, ke, vs, ve;
		uint16_t id;

		while (i < n && p[i] == ' ')
			i++;
		if (i >= n)
			break;
		ks = i;
		while (i < n && keych(p[i]))
			i++;
		ke = i;
		if (ke == ks || i >= n || p[i] != '=') {
			/* A word that is not a pair: only allowed after at
			 * least one pair (trailing text). */
			if (pairs == 0)
				goto fail;
			while (i < n && p[i] != ' ')
				i++;
			continue;
		}
		i++;
		if (i < n && p[i] == '"') {
			vs = ++i;
			while (i < n && p[i] != '"') {
				if (p[i] == '\\' && i + 1 < n)
					i++;
				i++;
			}
			ve = i;
			if (i < n)
				i++;
		} else {
			vs = i;
			while (i < n && p[i] != ' ')
				i++;
			ve = i;
		}
		id = vg_intern(p + ks, ke - ks);
		if (id == 0) {
			b->fields_dropped++;
			continue;
		}
		vg_event_add(b, ev, id, p + vs, ve - vs, 0);
		pairs++;
		if (ev->ts == VG_TS_NONE &&
		    (id == tkeys[0] || id == tkeys[1] || id == tkeys[2])) {
			int64_t ts;

			if (vg_time_iso8601(&dc->tc, p + vs, ve - vs, &ts))
				ev->ts = ts;
		}
	}
	if (pairs < 2)
		goto fail;
	ev->decoder = VG_DEC_KV;
	return true;
fail:
	ev->nfields = mark;
	return false;
}
