/* sudo, su, PAM, logind, account tools and the syslog envelope forms. */
#include "../testutil.h"
#include "decode/dec_internal.h"

static void sudo(void **s)
{
	(void)s;
	const struct vg_event *ev = tu_decode(
		"Mar  3 10:00:00 web01 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; "
		"USER=root ; COMMAND=/usr/bin/apt update ; echo done");
	assert_int_equal(ev->decoder, VG_DEC_SUDO);
	assert_field(ev, "user.name", "alice");
	assert_field(ev, "user.target.name", "root");
	assert_field(ev, "process.tty", "pts/0");
	assert_field(ev, "process.working_directory", "/home/alice");
	assert_field(ev, "process.command_line", "/usr/bin/apt update ; echo done");
	assert_field(ev, "event.outcome", "success");
	assert_field(ev, "event.action", "sudo_command");
	assert_int_equal(ev->service, VG_N_LS_SUDO);

	ev = tu_decode("Mar  3 10:00:00 web01 sudo: bob : 3 incorrect password "
		       "attempts ; TTY=pts/1 ; PWD=/home/bob ; USER=root ; "
		       "COMMAND=/bin/bash");
	assert_field(ev, "event.outcome", "failure");
	assert_field(ev, "event.reason", "3 incorrect password attempts");

	ev = tu_decode("Mar  3 10:00:00 web01 sudo: pam_unix(sudo:auth): "
		       "authentication failure; logname=bob uid=1000 euid=0 "
		       "tty=/dev/pts/1 ruser=bob rhost=  user=bob");
	assert_int_equal(ev->decoder, VG_DEC_SUDO);
	assert_field(ev, "event.action", "pam_auth_failed");
	assert_field(ev, "pam.logname", "bob");
	assert_field(ev, "user.name", "bob");
	assert_no_field(ev, "source.ip");
}

static void su(void **s)
{
	(void)s;
	const struct vg_event *ev =
		tu_decode("Mar  3 10:00:00 web01 su[4242]: FAILED SU (to root) bob on pts/1");
	assert_int_equal(ev->decoder, VG_DEC_SU);
	assert_field(ev, "event.outcome", "failure");
	assert_field(ev, "user.name", "bob");
	assert_field(ev, "user.target.name", "root");
	ev = tu_decode("Mar  3 10:00:00 web01 su[4242]: (to root) alice on pts/0");
	assert_field(ev, "event.outcome", "success");
	ev = tu_decode("Mar  3 10:00:00 web01 su[4242]: pam_unix(su:session): "
		       "session opened for user root(uid=0) by alice(uid=1000)");
	assert_field(ev, "event.action", "pam_session_open");
	assert_field(ev, "user.target.name", "root");
	assert_field(ev, "user.target.id", "0");
	assert_field(ev, "user.name", "alice");
	assert_field(ev, "user.id", "1000");
}

static void pam_any_program(void **s)
{
	(void)s;
	const struct vg_event *ev = tu_decode(
		"Mar  3 10:00:01 web01 CRON[999]: pam_unix(cron:session): session "
		"opened for user root(uid=0) by (uid=0)");
	assert_int_equal(ev->decoder, VG_DEC_PAM);
	assert_field(ev, "pam.service", "cron");
	assert_field(ev, "user.target.name", "root");
	ev = tu_decode("Mar  3 10:00:01 web01 login[5]: pam_unix(login:auth): "
		       "check pass; user unknown");
	assert_field(ev, "event.action", "pam_user_unknown");
}

static void logind_and_accounts(void **s)
{
	(void)s;
	const struct vg_event *ev = tu_decode(
		"Mar  3 10:00:00 web01 systemd-logind[612]: New session 12 of user alice.");
	assert_int_equal(ev->decoder, VG_DEC_LOGIND);
	assert_field(ev, "session.id", "12");
	assert_field(ev, "user.name", "alice");
	ev = tu_decode("Mar  3 10:00:00 web01 useradd[7001]: new user: name=bob, "
		       "UID=1001, GID=1001, home=/home/bob, shell=/bin/bash, "
		       "from=/dev/pts/0");
	assert_int_equal(ev->decoder, VG_DEC_ACCOUNTS);
	assert_field(ev, "event.action", "user_created");
	assert_field(ev, "user.target.name", "bob");
	assert_field(ev, "user.target.id", "1001");
	assert_field(ev, "user.shell", "/bin/bash");
	ev = tu_decode("Mar  3 10:00:00 web01 usermod[7002]: add 'bob' to group 'sudo'");
	assert_field(ev, "event.action", "user_added_to_group");
	assert_field(ev, "group.name", "sudo");
	ev = tu_decode("Mar  3 10:00:00 web01 groupadd[7003]: group added to "
		       "/etc/group: name=devs, GID=1002");
	assert_field(ev, "event.action", "group_created");
	assert_field(ev, "group.id", "1002");
	ev = tu_decode("Mar  3 10:00:00 web01 passwd[7004]: pam_unix(passwd:chauthtok): "
		       "password changed for bob");
	assert_field(ev, "event.action", "pam_password_changed");
	ev = tu_decode("Mar  3 10:00:00 web01 userdel[7005]: delete user 'bob'");
	assert_field(ev, "event.action", "user_deleted");
}

static void envelopes(void **s)
{
	(void)s;
	const struct vg_event *ev = tu_decode(
		"<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - "
		"'su root' failed for lonvick on /dev/pts/8");
	assert_int_equal(ev->decoder, VG_DEC_SYSLOG);
	assert_field(ev, "syslog.facility", "auth");
	assert_field(ev, "syslog.severity", "crit");
	assert_field(ev, "host.name", "mymachine.example.com");
	assert_field(ev, "process.name", "su");
	assert_field(ev, "syslog.msgid", "ID47");
	assert_field(ev, "message", "'su root' failed for lonvick on /dev/pts/8");
	assert_string_equal(tu_ts(ev), "2003-10-11T22:14:15.003Z");

	ev = tu_decode("<165>1 2003-10-11T22:14:15.003Z h evntslog - ID47 "
		       "[exampleSDID@32473 iut=\"3\" eventSource=\"App\\]x\"] "
		       "An application event");
	assert_field(ev, "syslog.structured_data",
		     "[exampleSDID@32473 iut=\"3\" eventSource=\"App\\]x\"]");
	assert_field(ev, "message", "An application event");

	ev = tu_decode("<38>Feb 12 14:10:21 host sshd[1]: Accepted password for "
		       "a from 192.0.2.1 port 2 ssh2");
	assert_int_equal(ev->decoder, VG_DEC_SSHD);
	assert_field(ev, "syslog.facility", "auth");

	ev = tu_decode("2023-11-14T00:20:42.738197+01:00 myserver sshd[1112652]: "
		       "User root from 192.0.2.1 not allowed because not listed in "
		       "AllowUsers");
	assert_int_equal(ev->decoder, VG_DEC_SSHD);
	assert_string_equal(tu_ts(ev), "2023-11-13T23:20:42.738197Z");
	assert_field(ev, "event.reason", "not listed in AllowUsers");

	/* Unknown program: syslog fields only, counted as undecoded. */
	ev = tu_decode("Mar  3 09:00:01 web01 kernel: [12345.678] usb 1-1: new device");
	assert_int_equal(ev->decoder, VG_DEC_SYSLOG);
	assert_true(ev->flags & VG_EV_UNDECODED);
	assert_field(ev, "process.name", "kernel");
	assert_field(ev, "message", "[12345.678] usb 1-1: new device");

	/* Generic key=value. */
	ev = tu_decode("time=2024-03-01T10:00:00Z level=warn msg=\"login failed\" user=bob");
	assert_int_equal(ev->decoder, VG_DEC_KV);
	assert_field(ev, "msg", "login failed");
	assert_field(ev, "user", "bob");
	assert_string_equal(tu_ts(ev), "2024-03-01T10:00:00Z");

	/* Nothing recognisable: kept whole, undecoded. */
	ev = tu_decode("just some words");
	assert_int_equal(ev->decoder, VG_DEC_NONE);
	assert_field(ev, "message", "just some words");
}

/* What the templates take for an address: dotted quads with parts of
 * one to three digits up to 255, IPv6 (a zone allowed), nothing else. */
static void addresses(void **s)
{
	(void)s;
	static const char *const yes[] = {
		"203.0.113.45", "0.0.0.0", "255.255.255.255", "10.0.0.1",
		"010.001.1.1", "::1", "2001:db8::7", "fe80::1%eth0",
		"::ffff:192.0.2.1", "1:2:3:4:5:6:7:8"};
	static const char *const no[] = {
		"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.256", "1..2.3",
		".1.2.3", "1.2.3.", "1.2.3.4 ", " 1.2.3.4", "1234.1.1.1",
		"1.2.3.4a", "a.b.c.d", "999.999.999.999", "1.2.3.-4", "localhost",
		"2001:db8::zz", ":::", "1.2.3.4:22", "12345678901234567"};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!vg_looks_ip(yes[i], strlen(yes[i])))
			fail_msg("not taken for an address: '%s'", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (vg_looks_ip(no[i], strlen(no[i])))
			fail_msg("taken for an address: '%s'", no[i]);
	/* a quad is read only within its length */
	assert_true(vg_looks_ip("1.2.3.45", 7));
	assert_false(vg_looks_ip("1.2.3.4", 6));
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(sudo), cmocka_unit_test(su),
		cmocka_unit_test(pam_any_program),
		cmocka_unit_test(logind_and_accounts), cmocka_unit_test(envelopes),
		cmocka_unit_test(addresses),
	};
	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(t, NULL, NULL);
}
