/* systemd-logind sessions, and the shadow tools that change accounts and
 * groups (useradd, usermod, userdel, groupadd, groupmod, groupdel, passwd,
 * chpasswd, chage, gpasswd). */
#include <pthread.h>

#include "dec_internal.h"
#include "tmpl.h"

#define S VG_OUT_SUCCESS
#define F VG_OUT_FAILURE
#define N VG_OUT_NONE

static const struct vg_tmpl_def logind_defs[] = {
	{"New session {session.id} of user {user.name}.", "session_open", S,
	 0},
	{"New session c{session.id} of user {user.name}.", "session_open", S,
	 0},
	{"Removed session {session.id}.", "session_close", N, 0},
	{"Removed session c{session.id}.", "session_close", N, 0},
	{"Session {session.id} logged out. Waiting for processes to exit.",
	 "session_logout", N, 0},
	{"{event.reason}", "logind_message", N, 0},
};

static const struct vg_tmpl_def acct_defs[] = {
	{"new user: name={user.target.name}, UID={user.target.id}, GID="
	 "{group.id}, home={user.home}, shell={user.shell}, from={process.tty}",
	 "user_created", S, 0},
	{"new user: name={user.target.name}, UID={user.target.id}, GID="
	 "{group.id}, home={user.home}, shell={user.shell}",
	 "user_created", S, 0},
	{"new group: name={group.name}, GID={group.id}", "group_created", S,
	 0},
	{"group added to /etc/group: name={group.name}, GID={group.id}",
	 "group_created", S, 0},
	{"group added to /etc/gshadow: name={group.name}", "group_created", S,
	 0},
	{"add '{user.target.name}' to group '{group.name}'",
	 "user_added_to_group", S, 0},
	{"add '{user.target.name}' to shadow group '{group.name}'",
	 "user_added_to_group", S, 0},
	{"user {user.target.name} added by {user.name} to group {group.name}",
	 "user_added_to_group", S, 0},
	{"user {user.target.name} removed by {user.name} from group "
	 "{group.name}",
	 "user_removed_from_group", S, 0},
	{"members of group {group.name} set by {user.name} to {}",
	 "group_members_set", S, 0},
	{"delete user '{user.target.name}'", "user_deleted", S, 0},
	{"removed group '{group.name}' owned by '{user.target.name}'",
	 "group_deleted", S, 0},
	{"removed shadow group '{group.name}' owned by '{user.target.name}'",
	 "group_deleted", S, 0},
	{"group '{group.name}' removed from /etc/group", "group_deleted", S,
	 0},
	{"group '{group.name}' removed from /etc/gshadow", "group_deleted", S,
	 0},
	{"group '{group.name}' removed", "group_deleted", S, 0},
	{"change user '{user.target.name}' password", "password_changed", S,
	 0},
	{"password for '{user.target.name}' changed by '{user.name}'",
	 "password_changed", S, 0},
	{"lock user '{user.target.name}' password", "user_locked", S, 0},
	{"unlock user '{user.target.name}' password", "user_unlocked", S, 0},
	{"change user '{user.target.name}' shell from '{}' to '{user.shell}'",
	 "user_modified", S, 0},
	{"change user '{user.target.name}' home from '{}' to '{user.home}'",
	 "user_modified", S, 0},
	{"change user '{user.target.name}' {event.reason}", "user_modified",
	 S, 0},
	{"changed password expiry for {user.target.name}", "user_modified", S,
	 0},
	{"group changed in /etc/group ({event.reason})", "group_modified", S,
	 0},
	{"failed adding user '{user.target.name}', data deleted",
	 "user_created", F, 0},
};

static struct vg_tmpl_set *logind_set, *acct_set;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init(void)
{
	logind_set = vg_tmpl_compile(
		logind_defs, sizeof(logind_defs) / sizeof(logind_defs[0]));
	acct_set = vg_tmpl_compile(acct_defs,
				   sizeof(acct_defs) / sizeof(acct_defs[0]));
}

bool vg_dec_logind(struct vg_batch *b, struct vg_event *ev, const char *m,
		   size_t n)
{
	pthread_once(&once, init);
	return vg_tmpl_match(logind_set, b, ev, m, n) != NULL;
}

bool vg_dec_accounts(struct vg_batch *b, struct vg_event *ev, const char *m,
		     size_t n)
{
	pthread_once(&once, init);
	if (STARTS(m, n, "pam_"))
		return vg_dec_pam(b, ev, m, n);
	return vg_tmpl_match(acct_set, b, ev, m, n) != NULL;
}

void vg_tmpl_init(void)
{
	pthread_once(&once, init);
}
