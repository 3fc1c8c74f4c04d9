/* Responding to alerts: the policy that turns an alert into a decision
 * (level, allowlist, escalation for repeat offenders, simulation), and
 * the back-ends that enforce decisions, behind one interface: vigie's
 * nftables table, a blocklist file rewritten atomically, and an exec
 * hook fed one JSON object on its standard input. (The CrowdSec decision
 * stream reads the store itself: see lapi.h.) */
#ifndef VG_RESPOND_H
#define VG_RESPOND_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/cidr.h"
#include "../run/config.h"
#include "../store/store.h"

/* Loopback, unspecified, or an address of this host: never banned. */
bool vg_addr_protected(const struct vg_cidr *c);

struct vg_respond;

struct vg_respond_stats {
	uint64_t decisions, simulated, allowlisted, protected_addrs;
	uint64_t already, enforced, unbanned, errors, hooks;
};

/* Opens the back-ends the configuration enables (in enforce mode).
 * NULL with a message when one cannot be opened (nftables without the
 * rights, say). */
struct vg_respond *vg_respond_new(const struct vg_config *c, char *err,
				  size_t errlen);
void vg_respond_free(struct vg_respond *r);

/* The policy, inside the caller's transaction: may add a decision for
 * the stored alert alert_id. Returns 1 when one was added (then *d is
 * filled, strings valid until the next call), 0 when none, -1 on a store
 * error. */
int vg_respond_decide(struct vg_respond *r, struct vg_store *s,
		      const struct vg_alert *a, int64_t alert_id,
		      const char *scenario, struct vg_decision *d);

/* After the commit: enforces the decisions the policy added. */
void vg_respond_enforce(struct vg_respond *r, struct vg_store *s);

/* Every second or so: applies what changed in the store since the last
 * call (decisions added or deleted by the CLI, expiries); the first call
 * makes the back-ends hold exactly the store's active decisions. */
void vg_respond_tick(struct vg_respond *r, struct vg_store *s, int64_t now);

const struct vg_respond_stats *vg_respond_stats(const struct vg_respond *r);
/* The last back-end error ("" when none). */
const char *vg_respond_error(const struct vg_respond *r);

#endif
