/* PAM module messages, whatever program logs them:
 * "pam_unix(sshd:auth): authentication failure; logname= uid=0 … rhost=…",
 * "pam_unix(su:session): session opened for user root(uid=0) by bob(uid=1000)". */
#include <pthread.h>

#include "dec_internal.h"
#include "tmpl.h"

#define F VG_OUT_FAILURE
#define S VG_OUT_SUCCESS
#define N VG_OUT_NONE

static const struct vg_tmpl_def defs[] = {
	{"authentication failure; {}", "pam_auth_failed", F, 0},
	{"session opened for user {user.target.name}(uid={user.target.id}) by "
	 "{user.name}(uid={user.id})",
	 "pam_session_open", S, 0},
	{"session opened for user {user.target.name}(uid={user.target.id}) by "
	 "(uid={user.id})",
	 "pam_session_open", S, 0},
	{"session opened for user {user.target.name} by {user.name}(uid="
	 "{user.id})",
	 "pam_session_open", S, 0},
	{"session opened for user {user.target.name} by (uid={user.id})",
	 "pam_session_open", S, 0},
	{"session opened for user {user.target.name}", "pam_session_open", S,
	 0},
	{"session closed for user {user.target.name}", "pam_session_close", N,
	 0},
	{"check pass; user unknown", "pam_user_unknown", F, VG_TF_INVALID_USER},
	{"password changed for {user.target.name}", "pam_password_changed", S,
	 0},
	{"password for user {user.target.name} changed{}", "pam_password_changed",
	 S, 0},
	{"account {user.target.name} has expired {}", "pam_account_expired", F,
	 0},
	{"bad username [{user.name+}]", "pam_bad_username", F, 0},
	{"user {user.name} authenticated as {user.target.name}",
	 "pam_auth", S, 0},
	{"auth could not identify password for [{user.name+}]",
	 "pam_auth_failed", F, 0},
	{"conversation failed", "pam_conversation_failed", F, 0},
	{"{event.reason}", "pam_message", N, 0},
};

static const struct vg_kvmap kv[] = {
	{"logname", VG_N_PAM_LOGNAME}, {"uid", VG_N_PAM_UID},
	{"euid", VG_N_PAM_EUID},       {"tty", VG_N_TTY},
	{"ruser", VG_N_PAM_RUSER},     {"rhost", VG_N_PAM_RHOST},
	{"user", VG_N_USER_NAME},      {NULL, 0},
};

static struct vg_tmpl_set *set;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init(void)
{
	set = vg_tmpl_compile(defs, sizeof(defs) / sizeof(defs[0]));
}

bool vg_dec_pam(struct vg_batch *b, struct vg_event *ev, const char *m,
		size_t n)
{
	uint32_t mark = ev->nfields;
	size_t i = 0, ms, svs, sve, ts, te;

	pthread_once(&once, init);
	/* module "(" service ":" type "): " */
	while (i < n && m[i] != '(' && m[i] != ' ' && m[i] != ':')
		i++;
	if (i == 0 || i >= n || m[i] != '(')
		return false;
	ms = i;
	svs = ++i;
	while (i < n && m[i] != ':' && m[i] != ')')
		i++;
	sve = i;
	ts = te = i;
	if (i < n && m[i] == ':') {
		ts = ++i;
		while (i < n && m[i] != ')')
			i++;
		te = i;
	}
	if (i + 2 >= n || m[i] != ')' || m[i + 1] != ':' || m[i + 2] != ' ')
		return false;
	vg_event_add(b, ev, VG_N_PAM_MODULE, m, ms, 0);
	vg_event_add(b, ev, VG_N_PAM_SERVICE, m + svs, sve - svs, 0);
	if (te > ts)
		vg_event_add(b, ev, VG_N_PAM_TYPE, m + ts, te - ts, 0);
	if (!vg_dec_pam_body(b, ev, m + i + 3, n - i - 3)) {
		ev->nfields = mark;
		return false;
	}
	return true;
}

bool vg_dec_pam_body(struct vg_batch *b, struct vg_event *ev, const char *m,
		     size_t n)
{
	pthread_once(&once, init);
	if (vg_tmpl_match(set, b, ev, m, n) == NULL)
		return false;
	if (STARTS(m, n, "authentication failure; ")) {
		const struct vg_field *rh;

		vg_add_kv_words(b, ev, m + 24, n - 24, kv);
		/* rhost is an address or a name: expose it as either. */
		rh = vg_event_get(ev, VG_N_PAM_RHOST);
		if (rh != NULL)
			vg_add_ip(b, ev,
				  vg_looks_ip(rh->p, rh->len) ? VG_N_SOURCE_IP
							      : VG_N_SOURCE_DOMAIN,
				  rh->p, rh->len);
	}
	return true;
}
