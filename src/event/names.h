/* The names vigie itself knows: field names (Sigma taxonomy, W3C for web
 * logs, plus the common aliases used for correlation) and logsource
 * values. They are interned first, in this order, so that VG_N_* equals
 * the interned id; names met in data (JSON keys) get the ids after. */
#ifndef VG_NAMES_H
#define VG_NAMES_H
#include <stdint.h>

#define VG_NAMES(X)                                                       \
	/* syslog envelope and common */                                   \
	X(MESSAGE, "message")                                              \
	X(HOST_NAME, "host.name")                                          \
	X(PROCESS_NAME, "process.name")                                    \
	X(PROCESS_PID, "process.pid")                                      \
	X(SYSLOG_FACILITY, "syslog.facility")                              \
	X(SYSLOG_SEVERITY, "syslog.severity")                              \
	X(SYSLOG_MSGID, "syslog.msgid")                                    \
	X(SYSLOG_SD, "syslog.structured_data")                             \
	X(LOG_LEVEL, "log.level")                                          \
	X(EVENT_ACTION, "event.action")                                    \
	X(EVENT_OUTCOME, "event.outcome")                                  \
	X(EVENT_REASON, "event.reason")                                    \
	X(EVENT_COUNT, "event.count")                                      \
	X(SOURCE_IP, "source.ip")                                          \
	X(SOURCE_PORT, "source.port")                                      \
	X(SOURCE_DOMAIN, "source.domain")                                  \
	X(DESTINATION_IP, "destination.ip")                                \
	X(DESTINATION_PORT, "destination.port")                            \
	X(USER_NAME, "user.name")                                          \
	X(USER_ID, "user.id")                                              \
	X(USER_TARGET_NAME, "user.target.name")                            \
	X(USER_TARGET_ID, "user.target.id")                                \
	X(USER_INVALID, "user.invalid")                                    \
	X(USER_HOME, "user.home")                                          \
	X(USER_SHELL, "user.shell")                                        \
	X(GROUP_NAME, "group.name")                                        \
	X(GROUP_ID, "group.id")                                            \
	X(SESSION_ID, "session.id")                                        \
	X(TTY, "process.tty")                                              \
	X(COMMAND_LINE, "process.command_line")                            \
	X(WORKING_DIRECTORY, "process.working_directory")                  \
	/* sshd */                                                         \
	X(SSH_METHOD, "ssh.method")                                        \
	X(SSH_PROTOCOL, "ssh.protocol")                                    \
	X(SSH_KEY, "ssh.key")                                              \
	X(SSH_PREAUTH, "ssh.preauth")                                      \
	X(SSH_OFFER, "ssh.offer")                                          \
	X(SSH_DISCONNECT_CODE, "ssh.disconnect_code")                      \
	/* PAM */                                                          \
	X(PAM_MODULE, "pam.module")                                        \
	X(PAM_SERVICE, "pam.service")                                      \
	X(PAM_TYPE, "pam.type")                                            \
	X(PAM_LOGNAME, "pam.logname")                                      \
	X(PAM_RUSER, "pam.ruser")                                          \
	X(PAM_RHOST, "pam.rhost")                                          \
	X(PAM_UID, "pam.uid")                                              \
	X(PAM_EUID, "pam.euid")                                            \
	/* web, W3C extended log names as in Sigma's webserver taxonomy */ \
	X(C_IP, "c-ip")                                                    \
	X(CS_USERNAME, "cs-username")                                      \
	X(CS_METHOD, "cs-method")                                          \
	X(CS_URI, "cs-uri")                                                \
	X(CS_URI_STEM, "cs-uri-stem")                                      \
	X(CS_URI_QUERY, "cs-uri-query")                                    \
	X(CS_VERSION, "cs-version")                                        \
	X(SC_STATUS, "sc-status")                                          \
	X(SC_BYTES, "sc-bytes")                                            \
	X(CS_REFERER, "cs-referer")                                        \
	X(CS_USER_AGENT, "cs-user-agent")                                  \
	X(CS_HOST, "cs-host")                                              \
	X(S_PORT, "s-port")                                                \
	X(TIME_TAKEN, "time-taken")                                        \
	X(HTTP_REQUEST, "http.request")                                    \
	X(ERROR_CODE, "error.code")                                        \
	X(APACHE_MODULE, "apache.module")                                  \
	/* logsource values */                                             \
	X(LS_LINUX, "linux")                                               \
	X(LS_NGINX, "nginx")                                               \
	X(LS_APACHE, "apache")                                             \
	X(LS_WEBSERVER, "webserver")                                       \
	X(LS_SSHD, "sshd")                                                 \
	X(LS_AUTH, "auth")                                                 \
	X(LS_SUDO, "sudo")                                                 \
	X(LS_SU, "su")                                                     \
	X(LS_SYSLOG, "syslog")                                             \
	X(LS_LOGIND, "systemd-logind")                                     \
	X(LS_ACCOUNTS, "accounts")                                         \
	X(LS_JSON, "json")                                                 \
	/* constant values decoders emit */                                \
	X(V_SUCCESS, "success")                                            \
	X(V_FAILURE, "failure")                                            \
	X(V_TRUE, "true")                                                  \
	X(A_HTTP_REQUEST, "http_request")                                  \
	X(A_SUDO_COMMAND, "sudo_command")

enum vg_name {
	VG_N_NONE = 0,
#define VG_NAME_ENUM(e, s) VG_N_##e,
	VG_NAMES(VG_NAME_ENUM)
#undef VG_NAME_ENUM
	VG_N__STATIC
};

/* Interns the names above in order. Call once before anything else
 * interns (idempotent, thread-safe). Aborts if the ids do not line up,
 * which would be a programming error. */
void vg_names_init(void);

/* The text of a static name, and its length, without a table lookup. */
const char *vg_name_str(enum vg_name n);
uint32_t vg_name_len(enum vg_name n);

#endif
