/* Building an alert from a detection (alert.h). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../decode/decode.h"
#include "../event/event_json.h"
#include "../lib/intern.h"
#include "alert.h"

static bool name_is(const char *name, size_t nl, const char *const *set)
{
	for (size_t i = 0; set[i]; i++) {
		size_t sl = strlen(set[i]);
		if (nl >= sl && memcmp(name + nl - sl, set[i], sl) == 0 &&
		    (nl == sl || name[nl - sl - 1] == '.'))
			return true;
	}
	return false;
}

static const char *const ip_names[] = {"source.ip", "c-ip", "IpAddress",
				       "SourceAddress", "src_ip", "ip", NULL};
static const char *const user_names[] = {"user.name", "user.target.name", "TargetUserName",
					 "SubjectUserName", "User", "user",
					 NULL};
static const char *const host_names[] = {"host.name", "Computer", "Hostname",
					 NULL};

/* The address, user and host an alert is about: from the correlation's
 * group, else from the event. Copies into buf (3 × 256 bytes). */
static void entities(const struct vg_match *m, char buf[3][256],
		     const char *out[3])
{
	const char *const *sets[3] = {ip_names, user_names, host_names};

	out[0] = out[1] = out[2] = NULL;
	if (m->group != NULL) {
		const char *g = m->group;
		while (*g) {
			const char *eq = strchr(g, '='), *end = strstr(g, ", ");
			if (eq == NULL)
				break;
			if (end == NULL)
				end = g + strlen(g);
			for (int k = 0; k < 3; k++)
				if (!out[k] && name_is(g, (size_t)(eq - g),
						       sets[k])) {
					snprintf(buf[k], 256, "%.*s",
						 (int)(end - eq - 1), eq + 1);
					out[k] = buf[k];
				}
			g = *end ? end + 2 : end;
		}
	}
	for (uint32_t i = 0; m->ev && i < m->ev->nfields; i++) {
		size_t nl;
		const struct vg_field *f = &m->ev->fields[i];
		const char *name = vg_intern_str(f->id, &nl);
		for (int k = 0; k < 3; k++)
			if (!out[k] && !(f->flags & VG_FF_NULL) && f->len &&
			    name_is(name, nl, sets[k])) {
				snprintf(buf[k], 256, "%.*s",
					 (int)(f->len > 255 ? 255 : f->len), f->p);
				out[k] = buf[k];
			}
	}
}

void vg_alert_fill(struct vg_alert *a, const struct vg_match *m,
		   const char *source, struct vg_buf *js, char ent[3][256])
{
	const char *e[3];

	entities(m, ent, e);
	vg_buf_reset(js);
	if (m->ev != NULL)
		vg_event_json(js, m->ev, vg_decoder_name(m->ev->decoder),
			      VG_EJ_RAW);
	else
		vg_buf_puts(js, "{}");
	*a = (struct vg_alert){
		.ts = m->ts,
		.rule_id = m->rule->id,
		.rule_title = m->rule->title,
		.level = (int)m->rule->level,
		.source = source,
		.offset = m->ev ? m->ev->offset : 0,
		.lineno = m->ev ? m->ev->lineno : 0,
		.src_ip = e[0], .user = e[1], .host = e[2],
		.group = m->group,
		.value = m->value,
		.event_json = vg_buf_cstr(js),
	};
}
