/* vigie-loggen: writes a reproducible synthetic auth.log or nginx access
 * log of N lines to standard output, for benchmarks and for a sample on
 * machines without logs. The same seed gives the same bytes. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/vtime.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ull;
}

static unsigned pick(unsigned n)
{
	return (unsigned)(next() % n);
}

static const char *const users[] = {
	"root", "admin", "test", "oracle", "postgres", "ubuntu", "git",
	"user", "alice", "bob", "deploy", "www-data", "guest", "ftpuser",
};
static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May",
				     "Jun", "Jul", "Aug", "Sep", "Oct",
				     "Nov", "Dec"};

static void ip(char *o, size_t n)
{
	snprintf(o, n, "%u.%u.%u.%u", 1 + pick(222), pick(256), pick(256),
		 1 + pick(254));
}

static void auth_line(FILE *f, int64_t t)
{
	int64_t y;
	unsigned m, d, sod = (unsigned)(t % 86400);
	char a[32];
	const char *u = users[pick(sizeof(users) / sizeof(users[0]))];
	unsigned pid = 1000 + pick(60000), port = 1024 + pick(64000);

	vg_civil_from_days(t / 86400, &y, &m, &d);
	fprintf(f, "%s %2u %02u:%02u:%02u web01 ", months[m - 1], d, sod / 3600,
		sod / 60 % 60, sod % 60);
	ip(a, sizeof(a));
	switch (pick(12)) {
	case 0:
	case 1:
	case 2:
		fprintf(f, "sshd[%u]: Failed password for %s from %s port %u ssh2\n",
			pid, u, a, port);
		break;
	case 3:
		fprintf(f, "sshd[%u]: Failed password for invalid user %s from %s "
			   "port %u ssh2\n",
			pid, u, a, port);
		break;
	case 4:
		fprintf(f, "sshd[%u]: Invalid user %s from %s port %u\n", pid, u,
			a, port);
		break;
	case 5:
		fprintf(f, "sshd[%u]: Accepted publickey for %s from %s port %u "
			   "ssh2: ED25519 SHA256:Xk2mQ4n9\n",
			pid, u, a, port);
		break;
	case 6:
		fprintf(f, "sshd[%u]: Connection closed by authenticating user %s "
			   "%s port %u [preauth]\n",
			pid, u, a, port);
		break;
	case 7:
		fprintf(f, "sshd[%u]: pam_unix(sshd:auth): authentication failure; "
			   "logname= uid=0 euid=0 tty=ssh ruser= rhost=%s  user=%s\n",
			pid, a, u);
		break;
	case 8:
		fprintf(f, "sshd[%u]: Received disconnect from %s port %u:11: Bye "
			   "Bye [preauth]\n",
			pid, a, port);
		break;
	case 9:
		fprintf(f, "sshd[%u]: Disconnected from invalid user %s %s port %u "
			   "[preauth]\n",
			pid, u, a, port);
		break;
	case 10:
		fprintf(f, "sshd[%u]: pam_unix(sshd:session): session opened for "
			   "user %s(uid=1000) by (uid=0)\n",
			pid, u);
		break;
	default:
		fprintf(f, "sudo:    %s : TTY=pts/%u ; PWD=/home/%s ; USER=root ; "
			   "COMMAND=/usr/bin/systemctl restart nginx\n",
			u, pick(4), u);
		break;
	}
}

static const char *const paths[] = {
	"/", "/index.html", "/about", "/blog/2024/05/post-17", "/static/app.js",
	"/static/style.css", "/images/logo.png", "/api/v1/items?page=2",
	"/search?q=nginx+tuning", "/wp-login.php", "/.env", "/login",
	"/feed.xml", "/robots.txt", "/favicon.ico",
};
static const char *const agents[] = {
	"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
	"like Gecko) Chrome/126.0.0.0 Safari/537.36",
	"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
	"curl/8.5.0", "python-requests/2.31.0",
};
static const unsigned statuses[] = {200, 200, 200, 200, 304, 301, 404, 403, 500};

static void nginx_line(FILE *f, int64_t t)
{
	int64_t y;
	unsigned m, d, sod = (unsigned)(t % 86400);
	char a[32];

	vg_civil_from_days(t / 86400, &y, &m, &d);
	ip(a, sizeof(a));
	fprintf(f,
		"%s - - [%02u/%s/%04" PRId64 ":%02u:%02u:%02u +0000] \"%s %s "
		"HTTP/1.1\" %u %u \"-\" \"%s\"\n",
		a, d, months[m - 1], y, sod / 3600, sod / 60 % 60, sod % 60,
		pick(5) ? "GET" : "POST",
		paths[pick(sizeof(paths) / sizeof(paths[0]))],
		statuses[pick(sizeof(statuses) / sizeof(statuses[0]))],
		pick(50000), agents[pick(sizeof(agents) / sizeof(agents[0]))]);
}

int main(int argc, char **argv)
{
	unsigned long long n, seed = 1;
	int64_t t = 1735689600; /* 2025-01-01T00:00:00Z */
	static char obuf[1 << 16];

	if (argc < 3 || (strcmp(argv[1], "auth") && strcmp(argv[1], "nginx"))) {
		fprintf(stderr, "usage: vigie-loggen auth|nginx LINES [SEED]\n");
		return 2;
	}
	n = strtoull(argv[2], NULL, 10);
	if (argc > 3)
		seed = strtoull(argv[3], NULL, 10);
	rng ^= seed * 0x2545f4914f6cdd1dull;
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	for (unsigned long long i = 0; i < n; i++) {
		t += pick(3);
		if (argv[1][0] == 'a')
			auth_line(stdout, t);
		else
			nginx_line(stdout, t);
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
