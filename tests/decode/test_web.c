/* Web server logs: access forms and error logs, W3C field names. */
#include "../testutil.h"

static void combined(void **s)
{
	(void)s;
	const struct vg_event *ev = tu_decode(
		"203.0.113.9 - frank [10/Oct/2000:13:55:36 -0700] \"GET "
		"/apache_pb.gif?a=1&b=%27 HTTP/1.0\" 200 2326 "
		"\"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"");
	assert_int_equal(ev->decoder, VG_DEC_WEB_ACCESS);
	assert_int_equal(ev->category, VG_N_LS_WEBSERVER);
	assert_field(ev, "c-ip", "203.0.113.9");
	assert_field(ev, "source.ip", "203.0.113.9");
	assert_field(ev, "cs-username", "frank");
	assert_field(ev, "user.name", "frank");
	assert_field(ev, "cs-method", "GET");
	assert_field(ev, "cs-uri", "/apache_pb.gif?a=1&b=%27");
	assert_field(ev, "cs-uri-stem", "/apache_pb.gif");
	assert_field(ev, "cs-uri-query", "a=1&b=%27");
	assert_field(ev, "cs-version", "HTTP/1.0");
	assert_field(ev, "sc-status", "200");
	assert_field(ev, "sc-bytes", "2326");
	assert_field(ev, "cs-referer", "http://www.example.com/start.html");
	assert_field(ev, "cs-user-agent", "Mozilla/4.08 [en] (Win98; I ;Nav)");
	assert_field(ev, "event.outcome", "success");
	assert_string_equal(tu_ts(ev), "2000-10-10T20:55:36Z");
}

static void variants(void **s)
{
	(void)s;
	/* common log format: no referer, no agent */
	const struct vg_event *ev = tu_decode(
		"2001:db8::1 - - [05/Mar/2021:09:01:38 +0100] \"GET /x HTTP/1.0\" 404 -");
	assert_field(ev, "source.ip", "2001:db8::1");
	assert_field(ev, "event.outcome", "failure");
	assert_no_field(ev, "sc-bytes");
	assert_no_field(ev, "cs-user-agent");
	/* vhost_combined with port */
	ev = tu_decode("www.example.net:443 192.0.2.1 - - [25/Oct/2021:11:05:52 "
		       "+0200] \"GET /web/.well-known HTTP/1.1\" 403 6963 \"abc.com\" \"UA\"");
	assert_field(ev, "cs-host", "www.example.net");
	assert_field(ev, "s-port", "443");
	assert_field(ev, "c-ip", "192.0.2.1");
	/* a quote inside the request, escaped by nginx as \x22 or by Apache as \" */
	ev = tu_decode("192.0.2.9 - - [21/May/2025:19:28:54 +0800] \"GET /a\\\"b HTTP/1.1\" "
		       "400 157 \"-\" \"-\"");
	assert_field(ev, "cs-uri", "/a\\\"b");
	/* a TLS handshake sent to a plain port: no method, request kept */
	ev = tu_decode("192.0.2.9 - - [21/May/2025:19:28:54 +0800] "
		       "\"\\x16\\x03\\x01\\x00\\xF4\" 400 157 \"-\" \"-\"");
	assert_int_equal(ev->decoder, VG_DEC_WEB_ACCESS);
	assert_no_field(ev, "cs-method");
	assert_field(ev, "http.request", "\\x16\\x03\\x01\\x00\\xF4");
	/* through syslog */
	ev = tu_decode("Sep 15 16:13:46 ip-172-31-43-28 nginx[2869]: 81.150.104.130 - - "
		       "[15/Sep/2021:16:13:46 +0000] \"POST /wp-login.php HTTP/1.1\" 200 "
		       "5364 \"-\" \"Mozilla/5.0\"");
	assert_int_equal(ev->decoder, VG_DEC_WEB_ACCESS);
	assert_int_equal(ev->product, VG_N_LS_NGINX);
	assert_field(ev, "cs-uri-stem", "/wp-login.php");
	assert_field(ev, "host.name", "ip-172-31-43-28");
}

static void errors(void **s)
{
	(void)s;
	const struct vg_event *ev = tu_decode(
		"2021/09/30 09:23:53 [error] 1925800#1925800: *17 user \"foo\" was not "
		"found in \"/tmp/a.htpasswd\", client: 127.0.0.1, server: _, request: "
		"\"GET / HTTP/1.1\", host: \"localhost\"");
	assert_int_equal(ev->decoder, VG_DEC_NGINX_ERROR);
	assert_field(ev, "log.level", "error");
	assert_field(ev, "process.pid", "1925800");
	assert_field(ev, "source.ip", "127.0.0.1");
	assert_field(ev, "cs-method", "GET");
	assert_field(ev, "cs-host", "localhost");
	ev = tu_decode("[Thu Oct 13 12:24:49.880562 2022] [auth_basic:error] [pid "
		       "10:tid 140120579262208] [client 31.33.58.75:50229] AH01618: "
		       "user sss not found: /");
	assert_int_equal(ev->decoder, VG_DEC_APACHE_ERROR);
	assert_field(ev, "apache.module", "auth_basic");
	assert_field(ev, "log.level", "error");
	assert_field(ev, "process.pid", "10");
	assert_field(ev, "source.ip", "31.33.58.75");
	assert_field(ev, "source.port", "50229");
	assert_field(ev, "error.code", "AH01618");
	assert_field(ev, "message", "AH01618: user sss not found: /");
	assert_field(ev, "event.action", "http_auth_failed");
	assert_field(ev, "user.name", "sss");
	assert_field(ev, "cs-uri", "/");
	ev = tu_decode("[Sun Mar 03 10:00:00.123456 2024] [auth_basic:error] [pid "
		       "5:tid 6] [client 192.0.2.3:4444] AH01617: user bob: "
		       "authentication failure for \"/admin\": Password Mismatch");
	assert_field(ev, "user.name", "bob");
	assert_field(ev, "cs-uri", "/admin");
	assert_field(ev, "event.reason", "Password Mismatch");
	assert_field(ev, "event.outcome", "failure");
	ev = tu_decode("[Fri Dec 16 01:46:23 2005] [error] [client 192.0.2.2] "
		       "Directory index forbidden by rule: /home/test/");
	assert_field(ev, "source.ip", "192.0.2.2");
	assert_field(ev, "log.level", "error");
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(combined), cmocka_unit_test(variants),
		cmocka_unit_test(errors),
	};
	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(t, NULL, NULL);
}
