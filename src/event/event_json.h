/* An event as one line of JSON, the form `vigie decode` prints and the
 * API will serve. Every byte from the log goes through vg_esc_json. */
#ifndef VG_EVENT_JSON_H
#define VG_EVENT_JSON_H
#include "../lib/buf.h"
#include "event.h"

#define VG_EJ_RAW 0x1u /* include the raw record and its line number */

/* Appends ev as a JSON object (no newline). decoder_name names ev's
 * decoder. Returns 0 or VG_E_TOOBIG. */
int vg_event_json(struct vg_buf *b, const struct vg_event *ev,
		  const char *decoder_name, unsigned opts);

#endif
