/* vigie-loggen: writes a reproducible synthetic auth.log or nginx access
 * log of N lines to standard output, for benchmarks and for a sample on
 * machines without logs. The same seed gives the same bytes.
 *
 * With --attacks MANIFEST, the background is benign only (no probes, no
 * scanner agents) and attacks are injected at random places: SSH brute
 * force, password spraying, a login after failures, user enumeration,
 * sudo failures, a backdoor account; web scanning, path traversal, SQL
 * injection, XSS, exploit paths, attack tools. Each attack is written to
 * MANIFEST as "rule-id<TAB>key" (the address or user a detection must
 * name). Attack addresses come from 203.0.113.0/24, which the background
 * never uses. */
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
	unsigned a = 1 + pick(222), b = pick(256), c = pick(256);

	if (a == 203 && b == 0 && c == 113)
		c = 114;
	snprintf(o, n, "%u.%u.%u.%u", a, b, c, 1 + pick(254));
}

static int benign_only;

static void stamp(FILE *f, int64_t t)
{
	int64_t y;
	unsigned m, d, sod = (unsigned)(t % 86400);

	vg_civil_from_days(t / 86400, &y, &m, &d);
	fprintf(f, "%s %2u %02u:%02u:%02u web01 ", months[m - 1], d, sod / 3600,
		sod / 60 % 60, sod % 60);
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

static void web_req(FILE *f, int64_t t, const char *a, const char *method,
		    const char *path, unsigned status, const char *agent)
{
	int64_t y;
	unsigned m, d, sod = (unsigned)(t % 86400);

	vg_civil_from_days(t / 86400, &y, &m, &d);
	fprintf(f,
		"%s - - [%02u/%s/%04" PRId64 ":%02u:%02u:%02u +0000] \"%s %s "
		"HTTP/1.1\" %u %u \"-\" \"%s\"\n",
		a, d, months[m - 1], y, sod / 3600, sod / 60 % 60, sod % 60,
		method, path, status, pick(50000), agent);
}

static void nginx_line(FILE *f, int64_t t)
{
	char a[32];
	/* the benign mix leaves out the probes (the last two paths before
	 * /login) and the scripted clients (the last two agents) */
	unsigned np = sizeof(paths) / sizeof(paths[0]);
	unsigned na = sizeof(agents) / sizeof(agents[0]);
	unsigned pi = pick(np), ai = pick(na);

	ip(a, sizeof(a));
	if (benign_only) {
		while (pi == 9 || pi == 10)
			pi = pick(np);
		ai = pick(na - 2);
	}
	web_req(f, t, a, pick(5) ? "GET" : "POST", paths[pi],
		statuses[pick(sizeof(statuses) / sizeof(statuses[0]))], agents[ai]);
}

/* ---- attacks ---- */

static FILE *manifest;
static unsigned attack_no;

static void attack_ip(char *o, size_t n)
{
	snprintf(o, n, "203.0.113.%u", 1 + attack_no++ % 254);
}

static void expect(const char *rule, const char *key)
{
	fprintf(manifest, "%s\t%s\n", rule, key);
}

/* Writes one attack at time *t (advancing it); returns lines written. */
static unsigned auth_attack(FILE *f, int64_t *t, unsigned kind)
{
	char a[32];
	unsigned n = 0, port = 40000 + pick(20000);

	attack_ip(a, sizeof(a));
	switch (kind % 6) {
	case 0: /* brute force: 15 failures for root in 30 s */
		for (int i = 0; i < 15; i++, n++) {
			stamp(f, *t += 2);
			fprintf(f, "sshd[%u]: Failed password for root from %s "
				   "port %u ssh2\n",
				2000 + i, a, port + i);
		}
		expect("821c12ca-fee0-4327-8a63-cec0910f31ce", a);
		break;
	case 1: /* spraying: 8 users, one try each, 40 s apart */
		for (int i = 0; i < 8; i++, n++) {
			stamp(f, *t += 40);
			fprintf(f, "sshd[%u]: Failed password for %s from %s port "
				   "%u ssh2\n",
				3000 + i, users[i], a, port + i);
		}
		expect("7b4e2c39-586e-4a4a-973c-0fb233001701", a);
		break;
	case 2: /* guessed: 6 failures, then in */
		for (int i = 0; i < 6; i++, n++) {
			stamp(f, *t += 5);
			fprintf(f, "sshd[%u]: Failed password for deploy from %s "
				   "port %u ssh2\n",
				4000 + i, a, port + i);
		}
		stamp(f, *t += 5);
		fprintf(f, "sshd[4100]: Accepted password for deploy from %s port "
			   "%u ssh2\n",
			a, port + 7);
		n++;
		expect("cb97fe47-6f41-4a5f-918a-269463e0c012", a);
		break;
	case 3: /* enumeration: 6 unknown names */
		for (int i = 0; i < 6; i++, n++) {
			stamp(f, *t += 3);
			fprintf(f, "sshd[%u]: Invalid user probe%u from %s port %u\n",
				5000 + i, i, a, port + i);
		}
		expect("5ad1efb5-abcc-41e8-b193-05767cd9dd5c", a);
		break;
	case 4: { /* sudo refused */
		char u[32];
		snprintf(u, sizeof(u), "intruder%u", attack_no);
		stamp(f, *t += 1);
		fprintf(f, "sudo:  %s : 3 incorrect password attempts ; "
			   "TTY=pts/3 ; PWD=/tmp ; USER=root ; COMMAND=/bin/bash\n",
			u);
		n++;
		expect("3e173e9d-fab8-4275-8a83-f77a84339d08", u);
		break;
	}
	default: { /* backdoor account given sudo */
		char u[32];
		snprintf(u, sizeof(u), "svc%u", attack_no);
		stamp(f, *t += 1);
		fprintf(f, "useradd[%u]: new user: name=%s, UID=%u, GID=%u, "
			   "home=/home/%s, shell=/bin/bash, from=/dev/pts/0\n",
			6000 + attack_no, u, 1500 + attack_no, 1500 + attack_no, u);
		stamp(f, *t += 1);
		fprintf(f, "usermod[%u]: add '%s' to group 'sudo'\n",
			6001 + attack_no, u);
		n += 2;
		expect("f0a7447f-1231-4e1d-adca-13afffbe325b", u);
		expect("80a12375-b38a-4e48-ad76-dcb2621ad853", u);
		attack_no++;
		break;
	}
	}
	return n;
}

static unsigned web_attack(FILE *f, int64_t *t, unsigned kind)
{
	char a[32], path[128];
	const char *ua = agents[0];
	unsigned n = 0;

	attack_ip(a, sizeof(a));
	switch (kind % 6) {
	case 0: /* scanning: 30 missing pages in 30 s */
		for (int i = 0; i < 30; i++, n++) {
			snprintf(path, sizeof(path), "/backup-%u.zip", i);
			web_req(f, *t += 1, a, "GET", path, 404, ua);
		}
		expect("cc84f9f6-78fd-4343-8632-a219c80e4665", a);
		break;
	case 1:
		web_req(f, *t += 1, a, "GET",
			"/download.php?file=../../../../etc/passwd", 200, ua);
		n++;
		expect("b774f868-634f-437b-ae66-7befa5ab5f8b", a);
		break;
	case 2:
		web_req(f, *t += 1, a, "GET",
			"/item.php?id=1%27%20UNION%20SELECT%20user,password%20"
			"FROM%20users--",
			200, ua);
		n++;
		expect("866abdc2-7913-4e2d-b8cf-44d882478a6b", a);
		break;
	case 3:
		web_req(f, *t += 1, a, "GET",
			"/search?q=%3Cscript%3Ealert(document.cookie)%3C/script%3E",
			200, ua);
		n++;
		expect("31244875-2988-48f7-b8bf-f66405e2548c", a);
		break;
	case 4:
		web_req(f, *t += 1, a, "GET", "/.env", 404, ua);
		n++;
		expect("414e4c4e-fcbc-4221-9b4d-1eacf6b3b4ab", a);
		break;
	default:
		web_req(f, *t += 1, a, "GET", "/", 200,
			"Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000003)");
		n++;
		expect("b1b51b75-d3c1-4e27-9ac2-b216590cc781", a);
		break;
	}
	return n;
}

int main(int argc, char **argv)
{
	unsigned long long n, seed = 1;
	int64_t t = 1735689600; /* 2025-01-01T00:00:00Z */
	static char obuf[1 << 16];

	const char *mpath = NULL;
	unsigned long long nattacks = 0, next_at = 0;
	unsigned kind = 0;

	if (argc > 3 && strcmp(argv[argc - 2], "--attacks") == 0) {
		mpath = argv[argc - 1];
		argc -= 2;
	}
	if (argc < 3 || (strcmp(argv[1], "auth") && strcmp(argv[1], "nginx"))) {
		fprintf(stderr, "usage: vigie-loggen auth|nginx LINES [SEED] "
				"[--attacks MANIFEST]\n");
		return 2;
	}
	n = strtoull(argv[2], NULL, 10);
	if (argc > 3)
		seed = strtoull(argv[3], NULL, 10);
	rng ^= seed * 0x2545f4914f6cdd1dull;
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	if (mpath != NULL) {
		manifest = fopen(mpath, "w");
		if (manifest == NULL) {
			perror(mpath);
			return 1;
		}
		benign_only = 1;
		/* one attack per ~2,000 lines, at least 12 (every kind twice) */
		nattacks = n / 2000 < 12 ? 12 : n / 2000;
		next_at = 1 + pick((unsigned)(n / nattacks + 1));
	}
	for (unsigned long long i = 0; i < n; i++) {
		t += pick(3);
		if (manifest != NULL && i == next_at && nattacks > 0) {
			if (argv[1][0] == 'a')
				i += auth_attack(stdout, &t, kind++);
			else
				i += web_attack(stdout, &t, kind++);
			nattacks--;
			/* far enough apart that windows do not overlap */
			next_at = i + 300 + pick((unsigned)(n / 2000 + 300));
			continue;
		}
		if (argv[1][0] == 'a')
			auth_line(stdout, t);
		else
			nginx_line(stdout, t);
	}
	if (manifest != NULL && fclose(manifest) != 0)
		return 1;
	return fflush(stdout) == 0 ? 0 : 1;
}
