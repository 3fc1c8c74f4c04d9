/* sshd decoder: every message kind, with the fields each must carry. */
#include "../testutil.h"

#define L(msg) "Feb 12 14:10:21 sd-126005 sshd[16378]: " msg

static void accepted(void **s)
{
	(void)s;
	const struct vg_event *ev = tu_decode(L(
		"Accepted publickey for deploy from 203.0.113.7 port 51234 ssh2: "
		"ED25519 SHA256:0aZ4m1kq9d"));
	assert_int_equal(ev->decoder, VG_DEC_SSHD);
	assert_field(ev, "event.action", "ssh_login");
	assert_field(ev, "event.outcome", "success");
	assert_field(ev, "ssh.method", "publickey");
	assert_field(ev, "user.name", "deploy");
	assert_field(ev, "source.ip", "203.0.113.7");
	assert_field(ev, "source.port", "51234");
	assert_field(ev, "ssh.key", "ED25519 SHA256:0aZ4m1kq9d");
	assert_field(ev, "host.name", "sd-126005");
	assert_field(ev, "process.pid", "16378");
	assert_string_equal(tu_ts(ev), "2025-02-12T14:10:21Z");
}

static void failed_kinds(void **s)
{
	(void)s;
	const struct vg_event *ev = tu_decode(
		L("Failed password for invalid user admin from 2001:db8::5 port "
		  "2202 ssh2"));
	assert_field(ev, "event.action", "ssh_auth_failed");
	assert_field(ev, "event.outcome", "failure");
	assert_field(ev, "user.name", "admin");
	assert_field(ev, "user.invalid", "true");
	assert_field(ev, "source.ip", "2001:db8::5");

	ev = tu_decode(L("Failed keyboard-interactive/pam for root from "
			 "192.0.2.1 port 22 ssh2"));
	assert_field(ev, "ssh.method", "keyboard-interactive/pam");
	assert_field(ev, "user.name", "root");
	assert_no_field(ev, "user.invalid");

	/* A user name chosen by an attacker to look like the message. */
	ev = tu_decode(L("Failed password for invalid user x from 10.0.0.1 port "
			 "1 ssh2 from 192.0.2.9 port 4444 ssh2"));
	assert_field(ev, "user.name", "x from 10.0.0.1 port 1 ssh2");
	assert_field(ev, "source.ip", "192.0.2.9");
	assert_field(ev, "source.port", "4444");

	/* An empty user name. */
	ev = tu_decode(L("Failed password for invalid user  from 192.0.2.9 "
			 "port 4444 ssh2"));
	assert_field(ev, "user.name", "");
}

static void preauth_and_wrappers(void **s)
{
	(void)s;
	const struct vg_event *ev = tu_decode(L(
		"Connection closed by authenticating user root 206.81.24.125 port "
		"45362 [preauth]"));
	assert_field(ev, "event.action", "ssh_connection_closed");
	assert_field(ev, "ssh.preauth", "true");
	assert_field(ev, "user.name", "root");
	assert_field(ev, "source.ip", "206.81.24.125");

	ev = tu_decode(L("message repeated 5 times: [ Failed password for root "
			 "from 192.0.2.1 port 22 ssh2]"));
	assert_field(ev, "event.count", "5");
	assert_field(ev, "event.action", "ssh_auth_failed");
	assert_field(ev, "source.ip", "192.0.2.1");

	ev = tu_decode(L("error: maximum authentication attempts exceeded for "
			 "root from 192.0.2.93 port 1022 ssh2 [preauth]"));
	assert_field(ev, "log.level", "error");
	assert_field(ev, "event.action", "ssh_max_auth_attempts");
	assert_field(ev, "user.name", "root");

	ev = tu_decode(L("fatal: Timeout before authentication for 192.0.2.212 "
			 "port 47056"));
	assert_field(ev, "event.action", "ssh_auth_timeout");
	assert_field(ev, "log.level", "fatal");
}

static void kex_and_misc(void **s)
{
	(void)s;
	struct {
		const char *msg, *action, *ip;
	} t[] = {
		{"Unable to negotiate with 123.57.135.134 port 45626: no matching "
		 "key exchange method found. Their offer: diffie-hellman-group1-sha1 "
		 "[preauth]",
		 "ssh_kex_failed", "123.57.135.134"},
		{"banner exchange: Connection from 192.0.2.91 port 50000: invalid "
		 "format",
		 "ssh_kex_failed", "192.0.2.91"},
		{"error: kex_exchange_identification: Connection closed by remote "
		 "host",
		 "ssh_kex_failed", NULL},
		{"Did not receive identification string from 192.0.2.77",
		 "ssh_no_identification", "192.0.2.77"},
		{"reverse mapping checking getaddrinfo for ns.example [192.0.2.80] "
		 "failed - POSSIBLE BREAK-IN ATTEMPT!",
		 "ssh_reverse_mapping_failed", "192.0.2.80"},
		{"ssh_dispatch_run_fatal: Connection from 192.168.9.213 port 48680: "
		 "message authentication code incorrect [preauth]",
		 "ssh_dispatch_fatal", "192.168.9.213"},
		{"User root from 192.0.2.1 not allowed because not listed in "
		 "AllowUsers",
		 "ssh_user_not_allowed", "192.0.2.1"},
		{"Magic value check failed (4289475479) on obfuscated handshake "
		 "from 94.232.46.213 port 62730",
		 "ssh_obfuscated_handshake", "94.232.46.213"},
		{"refused connect from example.com (192.0.2.1)",
		 "ssh_connection_refused", "192.0.2.1"},
		{"Received disconnect from 192.0.2.8 port 45362:11: Bye Bye "
		 "[preauth]",
		 "ssh_disconnect_received", "192.0.2.8"},
		{"Disconnected from invalid user ftp 92.255.85.135 port 26138 "
		 "[preauth]",
		 "ssh_disconnected", "92.255.85.135"},
		{"PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh "
		 "ruser= rhost=192.0.2.4  user=root",
		 "ssh_auth_failed", NULL},
		{"Invalid user webmaster from 173.234.31.186", "ssh_invalid_user",
		 "173.234.31.186"},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char line[1024];
		snprintf(line, sizeof(line), L("%s"), t[i].msg);
		const struct vg_event *ev = tu_decode(line);
		assert_int_equal(ev->decoder, VG_DEC_SSHD);
		assert_field(ev, "event.action", t[i].action);
		if (t[i].ip)
			assert_field(ev, "source.ip", t[i].ip);
	}
}

static void pam_inside_sshd(void **s)
{
	(void)s;
	const struct vg_event *ev = tu_decode(
		"Nov 2 15:40:14 workshop sshd[28179]: pam_unix(sshd:auth): "
		"authentication failure; logname= uid=0 euid=0 tty=ssh ruser= "
		"rhost=5.33.63.160 user=workshop");
	assert_int_equal(ev->decoder, VG_DEC_SSHD);
	assert_field(ev, "event.action", "pam_auth_failed");
	assert_field(ev, "source.ip", "5.33.63.160");
	assert_field(ev, "user.name", "workshop");
	assert_field(ev, "pam.service", "sshd");
	assert_field(ev, "pam.type", "auth");

	ev = tu_decode("Feb 12 14:10:24 sd-126005 sshd-session[16379]: Invalid "
		       "user pascal5 from 192.168.1.3 port 53502");
	assert_int_equal(ev->decoder, VG_DEC_SSHD);
	assert_field(ev, "user.name", "pascal5");

	ev = tu_decode("Jun 14 15:16:01 combo sshd(pam_unix)[19939]: "
		       "authentication failure; logname= uid=0 euid=0 "
		       "tty=NODEVssh ruser= rhost=218.188.2.4");
	assert_field(ev, "event.action", "pam_auth_failed");
	assert_field(ev, "source.ip", "218.188.2.4");
}

static void unknown_message(void **s)
{
	(void)s;
	const struct vg_event *ev = tu_decode(
		"Feb 12 14:10:21 h sshd[1]: something new in OpenSSH 12");
	assert_int_equal(ev->decoder, VG_DEC_SYSLOG);
	assert_true(ev->flags & VG_EV_UNDECODED);
	assert_field(ev, "process.name", "sshd");
	assert_field(ev, "message", "something new in OpenSSH 12");
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(accepted),
		cmocka_unit_test(failed_kinds),
		cmocka_unit_test(preauth_and_wrappers),
		cmocka_unit_test(kex_and_misc),
		cmocka_unit_test(pam_inside_sshd),
		cmocka_unit_test(unknown_message),
	};
	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(t, NULL, NULL);
}
