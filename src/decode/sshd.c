/* sshd (and sshd-session, OpenSSH 9.8+) messages: every kind seen in real
 * auth logs, as templates. Prefixes "error: ", "fatal: ", the suffix
 * " [preauth]" and the "message repeated N times: [ … ]" wrapper are
 * peeled off first and kept as fields. */
#include <pthread.h>

#include "dec_internal.h"
#include "tmpl.h"

#define F VG_OUT_FAILURE
#define S VG_OUT_SUCCESS
#define N VG_OUT_NONE
#define INV VG_TF_INVALID_USER

/* Order matters only where two templates could both match: the more
 * specific comes first. */
static const struct vg_tmpl_def defs[] = {
	{"Accepted {ssh.method} for {user.name+} from {source.ip} port "
	 "{source.port} {ssh.protocol}: {ssh.key}",
	 "ssh_login", S, 0},
	{"Accepted {ssh.method} for {user.name+} from {source.ip} port "
	 "{source.port} {ssh.protocol}",
	 "ssh_login", S, 0},
	{"Failed {ssh.method} for invalid user {user.name+} from {source.ip} "
	 "port {source.port} {ssh.protocol}",
	 "ssh_auth_failed", F, INV},
	{"Failed {ssh.method} for invalid user {user.name+} from {source.ip} "
	 "port {source.port}",
	 "ssh_auth_failed", F, INV},
	{"Failed {ssh.method} for {user.name+} from {source.ip} port "
	 "{source.port} {ssh.protocol}",
	 "ssh_auth_failed", F, 0},
	{"Failed {ssh.method} for {user.name+} from {source.ip} port "
	 "{source.port}",
	 "ssh_auth_failed", F, 0},
	{"Postponed {ssh.method} for {user.name+} from {source.ip} port "
	 "{source.port} {ssh.protocol}",
	 "ssh_auth_postponed", N, 0},
	{"Partial publickey for {user.name+} from {source.ip} port "
	 "{source.port} {ssh.protocol}: {ssh.key}",
	 "ssh_auth_partial", N, 0},
	{"Invalid user {user.name+} from {source.ip} port {source.port}",
	 "ssh_invalid_user", F, INV},
	{"Invalid user {user.name+} from {source.ip}", "ssh_invalid_user", F,
	 INV},
	{"Invalid user  from {source.ip} port {source.port}",
	 "ssh_invalid_user", F, INV},
	{"input_userauth_request: invalid user {user.name+}",
	 "ssh_invalid_user", F, INV},
	{"User {user.name+} from {source.ip} not allowed because {event.reason}",
	 "ssh_user_not_allowed", F, 0},
	{"User {user.name+} not allowed because {event.reason}",
	 "ssh_user_not_allowed", F, 0},
	{"maximum authentication attempts exceeded for invalid user "
	 "{user.name+} from {source.ip} port {source.port} {ssh.protocol}",
	 "ssh_max_auth_attempts", F, INV},
	{"maximum authentication attempts exceeded for {user.name+} from "
	 "{source.ip} port {source.port} {ssh.protocol}",
	 "ssh_max_auth_attempts", F, 0},
	{"Disconnecting: Too many authentication failures for {user.name+}",
	 "ssh_max_auth_attempts", F, 0},
	{"Disconnecting: Too many authentication failures",
	 "ssh_max_auth_attempts", F, 0},
	{"Disconnecting invalid user {user.name+} {source.ip} port "
	 "{source.port}: {event.reason}",
	 "ssh_disconnect", F, INV},
	{"Disconnecting authenticating user {user.name+} {source.ip} port "
	 "{source.port}: {event.reason}",
	 "ssh_disconnect", F, 0},
	{"Disconnecting user {user.name+} {source.ip} port {source.port}: "
	 "{event.reason}",
	 "ssh_disconnect", N, 0},
	{"Disconnecting {source.ip} port {source.port}: {event.reason}",
	 "ssh_disconnect", N, 0},
	{"Disconnecting: {event.reason}", "ssh_disconnect", N, 0},
	{"PAM {event.count} more authentication failures; {}",
	 "ssh_auth_failed", F, 0},
	{"PAM {event.count} more authentication failure; {}",
	 "ssh_auth_failed", F, 0},
	{"PAM service({}) ignoring max retries; {event.reason}",
	 "ssh_max_auth_attempts", F, 0},
	{"PAM: Authentication failure for illegal user {user.name+} from "
	 "{source.domain}",
	 "ssh_auth_failed", F, INV},
	{"PAM: Authentication failure for {user.name+} from {source.domain}",
	 "ssh_auth_failed", F, 0},
	{"Connection closed by authenticating user {user.name+} {source.ip} "
	 "port {source.port}",
	 "ssh_connection_closed", F, 0},
	{"Connection closed by invalid user {user.name+} {source.ip} port "
	 "{source.port}",
	 "ssh_connection_closed", F, INV},
	{"Connection closed by user {user.name+} {source.ip} port "
	 "{source.port}",
	 "ssh_connection_closed", N, 0},
	{"Connection closed by {source.ip} port {source.port}",
	 "ssh_connection_closed", N, 0},
	{"Connection closed by {source.ip}", "ssh_connection_closed", N, 0},
	{"Connection reset by authenticating user {user.name+} {source.ip} "
	 "port {source.port}",
	 "ssh_connection_reset", F, 0},
	{"Connection reset by invalid user {user.name+} {source.ip} port "
	 "{source.port}",
	 "ssh_connection_reset", F, INV},
	{"Connection reset by user {user.name+} {source.ip} port "
	 "{source.port}",
	 "ssh_connection_reset", N, 0},
	{"Connection reset by {source.ip} port {source.port}",
	 "ssh_connection_reset", N, 0},
	{"Connection reset by {source.ip}", "ssh_connection_reset", N, 0},
	{"Disconnected from invalid user {user.name+} {source.ip} port "
	 "{source.port}",
	 "ssh_disconnected", F, INV},
	{"Disconnected from authenticating user {user.name+} {source.ip} port "
	 "{source.port}",
	 "ssh_disconnected", F, 0},
	{"Disconnected from user {user.name+} {source.ip} port {source.port}",
	 "ssh_disconnected", N, 0},
	{"Disconnected from {source.ip} port {source.port}",
	 "ssh_disconnected", N, 0},
	{"Received disconnect from {source.ip} port {source.port}:"
	 "{ssh.disconnect_code}: {event.reason}",
	 "ssh_disconnect_received", N, 0},
	{"Received disconnect from {source.ip}: {ssh.disconnect_code}: "
	 "{event.reason}",
	 "ssh_disconnect_received", N, 0},
	{"Did not receive identification string from {source.ip} port "
	 "{source.port}",
	 "ssh_no_identification", F, 0},
	{"Did not receive identification string from {source.ip}",
	 "ssh_no_identification", F, 0},
	{"Unable to negotiate with {source.ip} port {source.port}: "
	 "{event.reason}. Their offer: {ssh.offer}",
	 "ssh_kex_failed", F, 0},
	{"Unable to negotiate with {source.ip}: {event.reason}. Their offer: "
	 "{ssh.offer}",
	 "ssh_kex_failed", F, 0},
	{"Bad protocol version identification {event.reason+} from "
	 "{source.ip} port {source.port}",
	 "ssh_kex_failed", F, 0},
	{"Bad protocol version identification {event.reason+} from "
	 "{source.ip}",
	 "ssh_kex_failed", F, 0},
	{"Protocol major versions differ for {source.ip} port {source.port}: "
	 "{event.reason}",
	 "ssh_kex_failed", F, 0},
	{"Protocol major versions differ for {source.ip}: {event.reason}",
	 "ssh_kex_failed", F, 0},
	{"banner exchange: Connection from {source.ip} port {source.port}: "
	 "{event.reason}",
	 "ssh_kex_failed", F, 0},
	{"kex_exchange_identification: {event.reason}", "ssh_kex_failed", F,
	 0},
	{"kex_protocol_error: {event.reason}", "ssh_kex_failed", F, 0},
	{"ssh_dispatch_run_fatal: Connection from invalid user {user.name+} "
	 "{source.ip} port {source.port}: {event.reason}",
	 "ssh_dispatch_fatal", F, INV},
	{"ssh_dispatch_run_fatal: Connection from authenticating user "
	 "{user.name+} {source.ip} port {source.port}: {event.reason}",
	 "ssh_dispatch_fatal", F, 0},
	{"ssh_dispatch_run_fatal: Connection from user {user.name+} "
	 "{source.ip} port {source.port}: {event.reason}",
	 "ssh_dispatch_fatal", F, 0},
	{"ssh_dispatch_run_fatal: Connection from {source.ip} port "
	 "{source.port}: {event.reason}",
	 "ssh_dispatch_fatal", F, 0},
	{"Timeout before authentication for {source.ip} port {source.port}",
	 "ssh_auth_timeout", F, 0},
	{"Timeout before authentication for {source.ip}", "ssh_auth_timeout",
	 F, 0},
	{"Timeout, client not responding from user {user.name+} {source.ip} "
	 "port {source.port}",
	 "ssh_client_timeout", N, 0},
	{"Timeout, client not responding from {source.ip} port {source.port}",
	 "ssh_client_timeout", N, 0},
	{"Write failed: {event.reason}", "ssh_connection_reset", N, 0},
	{"Read from socket failed: {event.reason}", "ssh_connection_reset", N,
	 0},
	{"reverse mapping checking getaddrinfo for {source.domain} "
	 "[{source.ip}] failed{}",
	 "ssh_reverse_mapping_failed", N, 0},
	{"Address {source.ip} maps to {source.domain}, but this does not map "
	 "back to the address{}",
	 "ssh_reverse_mapping_failed", N, 0},
	{"Nasty PTR record \"{source.domain+}\" is set up for {source.ip}, "
	 "ignoring",
	 "ssh_reverse_mapping_failed", N, 0},
	{"Magic value check failed ({}) on obfuscated handshake from "
	 "{source.ip} port {source.port}",
	 "ssh_obfuscated_handshake", F, 0},
	{"refused connect from {source.domain+} ({source.ip})",
	 "ssh_connection_refused", F, 0},
	{"drop connection #{} from [{source.ip}]:{source.port} on "
	 "[{destination.ip}]:{destination.port} {event.reason}",
	 "ssh_connection_dropped", F, 0},
	{"srclimit_penalise: {}: new {source.ip}/{} {event.reason}",
	 "ssh_penalty", F, 0},
	{"srclimit_penalise: {}: {source.ip}/{} {event.reason}",
	 "ssh_penalty", F, 0},
	{"Connection from {source.ip} port {source.port} on {destination.ip} "
	 "port {destination.port} rdomain {}",
	 "ssh_connection", N, 0},
	{"Connection from {source.ip} port {source.port} on {destination.ip} "
	 "port {destination.port}",
	 "ssh_connection", N, 0},
	{"Starting session: {} for {user.name+} from {source.ip} port "
	 "{source.port} id {}",
	 "ssh_session_start", N, 0},
	{"Close session: user {user.name+} from {source.ip} port "
	 "{source.port} id {}",
	 "ssh_session_close", N, 0},
	{"Server listening on {destination.ip} port {destination.port}.",
	 "ssh_server_listening", N, 0},
	{"Received signal {}; terminating.", "ssh_server_stop", N, 0},
	{"Received SIGHUP; restarting.", "ssh_server_restart", N, 0},
	{"Authentication refused: {event.reason}", "ssh_auth_refused", F, 0},
	{"Accepted key {} found at {}", "ssh_key_found", N, 0},
	{"Change of username or service not allowed: {event.reason}",
	 "ssh_auth_failed", F, 0},
	{"Invalid user {user.name}", "ssh_invalid_user", F, INV},
	{"Disconnected from {source.ip}", "ssh_disconnected", N, 0},
	{"Exiting on signal {}", "ssh_server_stop", N, 0},
	{"Disconnected from {event.reason}", "ssh_disconnected", N, 0},
};

/* What is left of an "error:"/"fatal:" line no template knows. */
static const struct vg_tmpl_def err_defs[] = {
	{"{event.reason}", "ssh_error", N, 0},
};

static struct vg_tmpl_set *set, *err_set;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init(void)
{
	set = vg_tmpl_compile(defs, sizeof(defs) / sizeof(defs[0]));
	err_set = vg_tmpl_compile(err_defs, 1);
}

/* Strips a known prefix into log.level. */
static void peel_level(struct vg_batch *b, struct vg_event *ev,
		       const char **m, size_t *n)
{
	static const char *const lv[] = {"error: ", "fatal: ", "warning: "};

	for (size_t i = 0; i < 3; i++) {
		size_t l = strlen(lv[i]);

		if (*n > l && memcmp(*m, lv[i], l) == 0) {
			vg_event_add(b, ev, VG_N_LOG_LEVEL, *m, l - 2, 0);
			*m += l;
			*n -= l;
			return;
		}
	}
}

bool vg_dec_sshd(struct vg_batch *b, struct vg_event *ev, const char *m,
		 size_t n)
{
	uint32_t mark = ev->nfields;

	pthread_once(&once, init);
	while (n > 0 && (m[n - 1] == ' ' || m[n - 1] == '\t'))
		n--;
	if (STARTS(m, n, "message repeated ")) {
		size_t i = 17, s = i;

		while (i < n && vg_isdigit(m[i]))
			i++;
		if (i > s && STARTS(m + i, n - i, " times: [")) {
			vg_event_add(b, ev, VG_N_EVENT_COUNT, m + s, i - s, 0);
			m += i + 9;
			n -= i + 9;
			while (n > 0 && m[0] == ' ')
				m++, n--;
			if (n > 0 && m[n - 1] == ']')
				n--;
		}
	}
	if (n >= 10 && memcmp(m + n - 10, " [preauth]", 10) == 0) {
		n -= 10;
		vg_event_add_name(b, ev, VG_N_SSH_PREAUTH, VG_N_V_TRUE);
	}
	if (STARTS(m, n, "pam_") && vg_dec_pam(b, ev, m, n))
		return true;
	if (vg_tmpl_match(set, b, ev, m, n) != NULL)
		return true;
	uint32_t before = ev->nfields;
	peel_level(b, ev, &m, &n);
	if (ev->nfields != before &&
	    (vg_tmpl_match(set, b, ev, m, n) != NULL ||
	     vg_tmpl_match(err_set, b, ev, m, n) != NULL))
		return true;
	ev->nfields = mark;
	return false;
}
