/* Decoders against real logs that no one here wrote (../shared/corpus):
 * loghub's OpenSSH sample with its per-line templates, the CrowdSec hub's
 * parser tests for sshd, nginx and Apache, and 10,000 real Apache lines
 * plus scanner sessions. Each test skips when the corpus is absent. */
#include <dirent.h>
#include <sys/stat.h>

#include "../testutil.h"
#include "decode/dec_internal.h"

#define CORPUS SRCDIR "/../shared/corpus"

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long len;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	p = malloc((size_t)len + 1);
	if (fread(p, 1, (size_t)len, f) != (size_t)len) {
		fclose(f);
		free(p);
		return NULL;
	}
	p[len] = '\0';
	fclose(f);
	if (n)
		*n = (size_t)len;
	return p;
}

/* Splits text into lines in place (drops "\r"); returns the count. */
static size_t lines(char *text, char ***out)
{
	size_t n = 0, cap = 1024;
	char **v = malloc(cap * sizeof(*v));

	for (char *p = text; *p;) {
		char *e = strchr(p, '\n');
		if (e)
			*e = '\0';
		size_t l = strlen(p);
		if (l && p[l - 1] == '\r')
			p[l - 1] = '\0';
		if (n == cap)
			v = realloc(v, (cap *= 2) * sizeof(*v));
		v[n++] = p;
		if (!e)
			break;
		p = e + 1;
	}
	*out = v;
	return n;
}

/* One CSV record's fields (RFC 4180 quoting), in place. */
static int csv(char *line, char **f, int max)
{
	int n = 0;
	char *p = line;

	while (n < max) {
		if (*p == '"') {
			char *o = ++p;
			f[n++] = o;
			while (*p) {
				if (*p == '"' && p[1] == '"') {
					*o++ = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					*o++ = *p++;
				}
			}
			*o = '\0';
			if (*p == ',')
				p++;
			else
				break;
		} else {
			f[n++] = p;
			char *c = strchr(p, ',');
			if (!c)
				break;
			*c = '\0';
			p = c + 1;
		}
	}
	return n;
}

/* Fills vals with what each <*> of tmpl stands for in content, matching
 * literals left to right as loghub's templates do. Returns the count. */
static int holes(const char *tmpl, const char *content, char vals[][256])
{
	int n = 0;
	const char *t = tmpl, *c = content;

	while (*t) {
		const char *h = strstr(t, "<*>");
		size_t lit = h ? (size_t)(h - t) : strlen(t);
		if (strncmp(c, t, lit) != 0)
			return -1;
		c += lit;
		if (!h)
			break;
		t = h + 3;
		const char *nh = strstr(t, "<*>");
		size_t nl = nh ? (size_t)(nh - t) : strlen(t);
		const char *e = nl ? NULL : c + strlen(c);
		if (nl) {
			char next[256];
			snprintf(next, sizeof(next), "%.*s", (int)nl, t);
			e = strstr(c, next);
		}
		if (!e)
			return -1;
		/* Templates keep the space before the next literal. */
		const char *ve = e;
		while (ve > c && ve[-1] == ' ')
			ve--;
		snprintf(vals[n++], 256, "%.*s", (int)(ve - c), c);
		c = e;
	}
	return n;
}

/* For each loghub template: the action, and which hole is the user, the
 * address and the port (-1 none). */
static const struct {
	const char *id, *action;
	int user, ip, port;
	const char *fixed_user;
} kinds[] = {
	{"E1", "ssh_login", 0, 1, 2, NULL},
	{"E2", "ssh_connection_closed", -1, 0, -1, NULL},
	{"E3", "ssh_no_identification", -1, 0, -1, NULL},
	{"E4", "ssh_max_auth_attempts", -1, -1, -1, "admin"},
	{"E5", "ssh_max_auth_attempts", -1, -1, -1, "root"},
	{"E6", "ssh_disconnect_received", -1, 0, -1, NULL},
	{"E7", "ssh_disconnect_received", -1, 0, -1, NULL},
	{"E8", "ssh_auth_failed", 0, 1, 2, NULL},
	{"E9", "ssh_auth_failed", 0, 1, 2, NULL},
	{"E10", "ssh_auth_failed", 0, 1, 2, NULL},
	{"E11", "ssh_connection_reset", -1, -1, -1, NULL},
	{"E12", "ssh_invalid_user", 0, -1, -1, NULL},
	{"E13", "ssh_invalid_user", 0, 1, -1, NULL},
	{"E14", "ssh_auth_failed", -1, 1, 2, "root"},
	{"E15", "ssh_auth_failed", -1, -1, -1, NULL},
	{"E16", "ssh_auth_failed", -1, -1, -1, NULL},
	{"E17", "ssh_auth_failed", -1, -1, -1, NULL},
	{"E18", "ssh_max_auth_attempts", -1, -1, -1, NULL},
	{"E19", "pam_auth_failed", -1, 2, -1, NULL},
	{"E20", "pam_auth_failed", 3, 2, -1, NULL},
	{"E21", "pam_user_unknown", -1, -1, -1, NULL},
	{"E22", "pam_session_close", -1, -1, -1, NULL},
	{"E23", "pam_session_open", -1, -1, -1, NULL},
	{"E24", "ssh_disconnect_received", -1, 0, -1, NULL},
	{"E25", "ssh_disconnect_received", -1, 0, -1, NULL},
	{"E26", "ssh_disconnect_received", -1, 0, -1, NULL},
	{"E27", "ssh_reverse_mapping_failed", -1, 1, -1, NULL},
};

static void loghub_openssh(void **s)
{
	(void)s;
	char *log = slurp(CORPUS "/loghub/OpenSSH/OpenSSH_2k.log", NULL);
	char *csvt = slurp(CORPUS "/loghub/OpenSSH/OpenSSH_2k.log_structured.csv",
			   NULL);
	char **ll, **cl;
	size_t nl, nc, checked = 0, with_ip = 0;

	if (!log || !csvt) {
		free(log);
		free(csvt);
		skip();
	}
	nl = lines(log, &ll);
	nc = lines(csvt, &cl);
	while (nl > 0 && ll[nl - 1][0] == '\0')
		nl--;
	assert_int_equal(nl, 2000);
	for (size_t i = 1; i < nc && cl[i][0]; i++) {
		char *f[10], vals[16][256];
		int nf = csv(cl[i], f, 10);
		assert_int_equal(nf, 9);
		size_t lineno = strtoul(f[0], NULL, 10);
		const struct vg_event *ev = tu_decode(ll[lineno - 1]);
		size_t k;

		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (strcmp(kinds[k].id, f[7]) == 0)
				break;
		assert_true(k < sizeof(kinds) / sizeof(kinds[0]));
		if (ev->decoder != VG_DEC_SSHD)
			fail_msg("line %zu not taken by sshd: %s", lineno,
				 ll[lineno - 1]);
		assert_field(ev, "event.action", kinds[k].action);
		int nh = holes(f[8], f[6], vals);
		assert_true(nh >= 0);
		if (kinds[k].user >= 0)
			assert_field(ev, "user.name", vals[kinds[k].user]);
		if (kinds[k].fixed_user)
			assert_field(ev, "user.name", kinds[k].fixed_user);
		if (kinds[k].ip >= 0) {
			const char *v = vals[kinds[k].ip];
			assert_field(ev,
				     vg_looks_ip(v, strlen(v)) ? "source.ip"
							       : "source.domain",
				     v);
			with_ip++;
		}
		if (kinds[k].port >= 0) {
			/* E14's last hole also swallows " ssh2". */
			char *port = vals[kinds[k].port];
			port[strspn(port, "0123456789")] = '\0';
			assert_field(ev, "source.port", port);
		}
		checked++;
	}
	assert_int_equal(checked, 2000);
	assert_true(with_ip > 1000);
	free(ll);
	free(cl);
	free(log);
	free(csvt);
}

/* Reads "KEY: value" from a test's config.yaml. */
static int config(const char *dir, const char *key, char *out, size_t n)
{
	char path[1024], *c, *p;

	snprintf(path, sizeof(path), "%s/config.yaml", dir);
	if ((c = slurp(path, NULL)) == NULL)
		return 0;
	size_t kl = strlen(key);
	for (p = c; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, key, kl) == 0 && p[kl] == ':') {
			char *v = p + kl + 1;
			while (*v == ' ')
				v++;
			size_t l = strcspn(v, "\r\n");
			snprintf(out, n, "%.*s", (int)l, v);
			free(c);
			return 1;
		}
	}
	free(c);
	return 0;
}

struct assertion {
	int index;
	char key[64], value[1024];
};

/* Parses lines like
 *   results["s01-parse"]["crowdsecurity/X"][3].Evt.Meta["source_ip"] == "1.2.3.4"
 * for parser X; kind is "Meta" or "Parsed". */
static size_t assertions(const char *text, const char *parser,
			 struct assertion *out, size_t max)
{
	char prefix[256];
	size_t n = 0;

	snprintf(prefix, sizeof(prefix), "results[\"s01-parse\"][\"%s\"][",
		 parser);
	for (const char *p = strstr(text, prefix); p && n < max;
	     p = strstr(p + 1, prefix)) {
		const char *q = p + strlen(prefix), *k, *v;
		char *end;
		long idx = strtol(q, &end, 10);
		q = end;
		if (strncmp(q, "].Evt.", 6) != 0)
			continue;
		q += 6;
		if (strncmp(q, "Meta[\"", 6) == 0)
			k = q + 6;
		else if (strncmp(q, "Parsed[\"", 8) == 0)
			k = q + 8;
		else
			continue;
		v = strchr(k, '"');
		if (!v || strncmp(v, "\"] == \"", 7) != 0)
			continue;
		struct assertion *a = &out[n];
		a->index = (int)idx;
		snprintf(a->key, sizeof(a->key), "%.*s", (int)(v - k), k);
		v += 7;
		size_t o = 0;
		while (*v && *v != '"' && o + 1 < sizeof(a->value)) {
			if (*v == '\\' && v[1])
				v++;
			a->value[o++] = *v++;
		}
		a->value[o] = '\0';
		n++;
	}
	return n;
}

/* The CrowdSec names whose values vigie must give, and where. */
static const char *vigie_name(const char *key)
{
	static const char *const map[][2] = {
		{"source_ip", "source.ip"},   {"target_user", "user.name"},
		{"remote_addr", "c-ip"},      {"status", "sc-status"},
		{"verb", "cs-method"},        {"http_user_agent", "cs-user-agent"},
		{"http_status", "sc-status"}, {"http_verb", "cs-method"},
		{"body_bytes_sent", "sc-bytes"}, {"request", "cs-uri"},
		{"http_path", "cs-uri"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i][0], key) == 0)
			return map[i][1];
	return NULL;
}

struct hub_totals {
	size_t tests, lines, values;
};

/* Runs one hub test dir for parser (sshd-logs, nginx-logs, apache2-logs). */
static void hub_one(const char *dir, const char *parser, bool syslog_prog,
		    struct hub_totals *tot)
{
	char file[256], path[2048], *log, *asrt, **ll;
	struct assertion *a = malloc(4096 * sizeof(*a));
	size_t nl, na, idx = 0;

	snprintf(path, sizeof(path), "%s/parser.assert", dir);
	asrt = slurp(path, NULL);
	if (!asrt || !config(dir, "log_file", file, sizeof(file))) {
		free(asrt);
		free(a);
		return;
	}
	na = assertions(asrt, parser, a, 4096);
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	log = slurp(path, NULL);
	if (!log) {
		free(asrt);
		free(a);
		return;
	}
	tot->tests++;
	nl = lines(log, &ll);
	for (size_t i = 0; i < nl; i++) {
		if (ll[i][0] == '\0')
			continue;
		const struct vg_event *ev = tu_decode(ll[i]);
		const char *prog = tu_field(ev, "process.name");

		if (syslog_prog) {
			/* Only sshd's lines reach CrowdSec's sshd parser. */
			if (!prog || (strcmp(prog, "sshd") != 0 &&
				      strcmp(prog, "sshd-session") != 0))
				continue;
			if (ev->decoder != VG_DEC_SSHD)
				fail_msg("%s: not decoded: %s", dir, ll[i]);
		} else if (ev->flags & VG_EV_UNDECODED) {
			fail_msg("%s: not decoded: %s", dir, ll[i]);
		}
		tot->lines++;
		for (size_t k = 0; k < na; k++) {
			const char *name = vigie_name(a[k].key);
			if (a[k].index != (int)idx || name == NULL)
				continue;
			/* CrowdSec keeps the request path in "request";
			 * vigie names it cs-uri. */
			const char *got = tu_field(ev, name);
			/* A request line that does not parse is kept whole. */
			if (got == NULL && strcmp(name, "cs-uri") == 0)
				got = tu_field(ev, "http.request");
			/* CrowdSec's grok drops the scheme of an absolute
			 * target ("https:" of "https://h/"); vigie keeps it. */
			if (got != NULL && strcmp(name, "cs-uri") == 0 &&
			    strncmp(a[k].value, "//", 2) == 0 &&
			    strlen(got) > strlen(a[k].value) &&
			    strcmp(got + strlen(got) - strlen(a[k].value),
				   a[k].value) == 0)
				got = a[k].value;
			if (got == NULL || strcmp(got, a[k].value) != 0)
				fail_msg("%s line %zu: %s: want \"%s\", got "
					 "\"%s\"\n  %s",
					 dir, idx, name, a[k].value,
					 got ? got : "(absent)", ll[i]);
			tot->values++;
		}
		idx++;
	}
	free(ll);
	free(log);
	free(asrt);
	free(a);
}

static void hub(const char *parser, const char *log_type1,
		const char *log_type2, bool syslog_prog, size_t min_lines)
{
	DIR *d = opendir(CORPUS "/crowdsec-hub-tests/tests");
	struct dirent *de;
	struct hub_totals tot = {0};

	if (d == NULL)
		skip();
	while ((de = readdir(d)) != NULL) {
		char dir[1024], lt[64];
		if (de->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), CORPUS "/crowdsec-hub-tests/tests/%s",
			 de->d_name);
		if (!config(dir, "log_type", lt, sizeof(lt)))
			continue;
		if (strcmp(lt, log_type1) != 0 &&
		    (!log_type2 || strcmp(lt, log_type2) != 0))
			continue;
		hub_one(dir, parser, syslog_prog, &tot);
	}
	closedir(d);
	print_message("# %s: %zu tests, %zu lines, %zu values checked\n",
		      parser, tot.tests, tot.lines, tot.values);
	assert_true(tot.lines >= min_lines);
}

static void hub_sshd(void **s)
{
	(void)s;
	hub("crowdsecurity/sshd-logs", "syslog", NULL, true, 80);
}

static void hub_nginx(void **s)
{
	(void)s;
	hub("crowdsecurity/nginx-logs", "nginx", NULL, false, 500);
}

static void hub_apache(void **s)
{
	(void)s;
	hub("crowdsecurity/apache2-logs", "apache2", NULL, false, 100);
}

static void web_access_logs(void **s)
{
	(void)s;
	static const char *const files[] = {
		CORPUS "/web-access-logs/elastic-examples-apache/apache_logs",
		CORPUS "/web-access-logs/ocatak-apache-http-logs/acunetix.txt",
		CORPUS "/web-access-logs/ocatak-apache-http-logs/netsparker.txt",
		CORPUS "/web-access-logs/ocatak-apache-http-logs/w3af.txt",
	};
	size_t total = 0;

	for (size_t f = 0; f < 4; f++) {
		char *text = slurp(files[f], NULL), **ll;
		size_t n;

		if (!text) {
			if (f == 0)
				skip();
			continue;
		}
		n = lines(text, &ll);
		for (size_t i = 0; i < n; i++) {
			char *l = ll[i];
			size_t len = strlen(l);
			if (len == 0)
				continue;
			/* The scanner sessions wrap each line in quotes. */
			if (f > 0 && l[0] == '"' && l[len - 1] == '"') {
				l[len - 1] = '\0';
				l++;
			}
			const struct vg_event *ev = tu_decode(l);
			if (ev->decoder != VG_DEC_WEB_ACCESS)
				fail_msg("%s:%zu not decoded: %s", files[f], i + 1,
					 l);
			assert_non_null(tu_field(ev, "c-ip"));
			assert_non_null(tu_field(ev, "sc-status"));
			total++;
		}
		if (f == 0)
			assert_int_equal(total, 10000);
		free(ll);
		free(text);
	}
	print_message("# web access lines decoded: %zu\n", total);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(loghub_openssh),
		cmocka_unit_test(hub_sshd),
		cmocka_unit_test(hub_nginx),
		cmocka_unit_test(hub_apache),
		cmocka_unit_test(web_access_logs),
	};
	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(t, NULL, NULL);
}
