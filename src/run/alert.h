/* A detection as the store keeps it: the alert, with the address, user
 * and host it is about (from the correlation's group, else from the
 * event) and the event as JSON. Shared by vigie scan --store and the
 * daemon. */
#ifndef VG_ALERT_H
#define VG_ALERT_H
#include "../lib/buf.h"
#include "../sigma/sigma.h"
#include "../store/store.h"

/* Fills *a for match m read from source; js receives the event's JSON
 * and ent the entities (both must outlive *a). */
void vg_alert_fill(struct vg_alert *a, const struct vg_match *m,
		   const char *source, struct vg_buf *js, char ent[3][256]);

#endif
