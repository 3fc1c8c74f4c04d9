/* Alerts into incidents: alerts about the same entity within a window
 * join one open incident (the entity is the alert's address, else its
 * user, else its host); severity is the highest rule
 * level; the RSIT class and type come from the rule's tags through
 * etc/rsit.yaml; every step lands in the incident's timeline. */
#ifndef VG_INCIDENT_H
#define VG_INCIDENT_H
#include <stddef.h>
#include <stdint.h>

#include "../store/store.h"

struct vg_incidents;

/* window: ns. rsit: a mapping file, or NULL for the built-in one. */
struct vg_incidents *vg_incidents_new(int64_t window, const char *rsit,
				      char *err, size_t errlen);
void vg_incidents_free(struct vg_incidents *x);

/* The RSIT class and type for these tags. */
void vg_incidents_rsit(const struct vg_incidents *x, const char *const *tags,
		       size_t ntags, const char **cls, const char **type);

/* Files the stored alert alert_id (a) into an incident, inside the
 * caller's transaction. Returns the incident id, or -1. */
int64_t vg_incidents_file(struct vg_incidents *x, struct vg_store *s,
			  int64_t alert_id, const struct vg_alert *a,
			  const char *const *tags, size_t ntags);

#endif
