/* sudo and su. sudo writes "user : [reason ; ]TTY=… ; PWD=… ; USER=… ;
 * COMMAND=…"; su writes one of several short forms depending on the
 * distribution and version. */
#include <pthread.h>

#include "dec_internal.h"
#include "../lib/intern.h"
#include "tmpl.h"

static const struct vg_kvmap sudo_kv[] = {
	{"TTY", VG_N_TTY},
	{"PWD", VG_N_WORKING_DIRECTORY},
	{"USER", VG_N_USER_TARGET_NAME},
	{"GROUP", VG_N_GROUP_NAME},
	{NULL, 0},
};

bool vg_dec_sudo(struct vg_batch *b, struct vg_event *ev, const char *m,
		 size_t n)
{
	size_t i = 0, us, ue, pos;
	bool failed = false;

	if (STARTS(m, n, "pam_"))
		return vg_dec_pam(b, ev, m, n);
	while (i < n && m[i] == ' ')
		i++;
	us = i;
	pos = vg_find(m + i, n - i, " : ", 3);
	if (pos == (size_t)-1 || pos == 0)
		return false;
	ue = i + pos;
	/* A user name has no spaces; anything else is another message. */
	if (memchr(m + us, ' ', ue - us) != NULL)
		return false;
	i = ue + 3;
	vg_event_add(b, ev, VG_N_USER_NAME, m + us, ue - us, 0);
	while (i < n) {
		size_t end = vg_find(m + i, n - i, " ; ", 3), seg;
		const struct vg_kvmap *k;

		if (STARTS(m + i, n - i, "COMMAND=")) {
			vg_event_add(b, ev, VG_N_COMMAND_LINE, m + i + 8,
				     n - i - 8, 0);
			break;
		}
		seg = end == (size_t)-1 ? n - i : end;
		for (k = sudo_kv; k->key != NULL; k++) {
			size_t kl = strlen(k->key);

			if (seg > kl && memcmp(m + i, k->key, kl) == 0 &&
			    m[i + kl] == '=') {
				vg_event_add(b, ev, k->id, m + i + kl + 1,
					     seg - kl - 1, 0);
				break;
			}
		}
		if (k->key == NULL && memchr(m + i, '=', seg) == NULL) {
			vg_event_add(b, ev, VG_N_EVENT_REASON, m + i, seg, 0);
			failed = true;
		}
		i += seg + 3;
	}
	vg_event_add_name(b, ev, VG_N_EVENT_ACTION, VG_N_A_SUDO_COMMAND);
	vg_event_add_name(b, ev, VG_N_EVENT_OUTCOME,
			  failed ? VG_N_V_FAILURE : VG_N_V_SUCCESS);
	return true;
}

#define F VG_OUT_FAILURE
#define S VG_OUT_SUCCESS

static const struct vg_tmpl_def su_defs[] = {
	{"FAILED SU (to {user.target.name}) {user.name+} on {process.tty}",
	 "su", F, 0},
	{"(to {user.target.name}) {user.name+} on {process.tty}", "su", S, 0},
	{"FAILED su for {user.target.name} by {user.name}", "su", F, 0},
	{"Successful su for {user.target.name} by {user.name}", "su", S, 0},
	{"+ {process.tty} {user.name}:{user.target.name}", "su", S, 0},
	{"- {process.tty} {user.name}:{user.target.name}", "su", F, 0},
};

static struct vg_tmpl_set *su_set;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init(void)
{
	su_set = vg_tmpl_compile(su_defs, sizeof(su_defs) / sizeof(su_defs[0]));
}

bool vg_dec_su(struct vg_batch *b, struct vg_event *ev, const char *m,
	       size_t n)
{
	pthread_once(&once, init);
	if (STARTS(m, n, "pam_"))
		return vg_dec_pam(b, ev, m, n);
	return vg_tmpl_match(su_set, b, ev, m, n) != NULL;
}
