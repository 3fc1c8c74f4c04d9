/* The configuration file (see config.h). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "../lib/arena.h"
#include "../lib/buf.h"
#include "../lib/escape.h"
#include "../lib/sockaddr.h"
#include "../lib/xmalloc.h"
#include "../lib/ydoc.h"
#include "../sigma/sigma.h"

#ifndef VIGIE_RULESDIR
#define VIGIE_RULESDIR "/usr/share/vigie/rules"
#endif

#define MAXCONF (1u << 20)

struct ctx {
	const char *path;
	char **errs;
	size_t errlen;
	int n;
};

static void err(struct ctx *x, uint32_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void err(struct ctx *x, uint32_t line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	size_t have = *x->errs ? strlen(*x->errs) : 0;
	int w;

	struct vg_buf e;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* the message quotes the file: its bytes are shown escaped (no
	 * control character reaches the terminal, one error a line) */
	vg_buf_init(&e, 8192);
	vg_esc_term(&e, msg, strlen(msg));
	w = snprintf(NULL, 0, "%s:%u: %s\n", x->path, line, vg_buf_cstr(&e));
	*x->errs = xreallocarray(*x->errs, have + (size_t)w + 1, 1);
	snprintf(*x->errs + have, (size_t)w + 1, "%s:%u: %s\n", x->path, line,
		 vg_buf_cstr(&e));
	vg_buf_free(&e);
	x->n++;
}

bool vg_listen_valid(const char *s)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char err[160];

	if (strncmp(s, "udp://", 6) == 0 || strncmp(s, "tcp://", 6) == 0)
		s += 6;
	return vg_sockaddr_parse(s, &ss, &len, err, sizeof(err)) == 0;
}

void vg_config_defaults(struct vg_config *c)
{
	static const char *const files[] = {
		"/var/log/auth.log", "/var/log/secure", "/var/log/syslog",
		"/var/log/messages", "/var/log/nginx/*access*.log",
		"/var/log/apache2/*access*.log", "/var/log/httpd/*access*log",
	};

	memset(c, 0, sizeof(*c));
	c->state_dir = xstrdup("/var/lib/vigie");
	c->rules = xcalloc(1, sizeof(char *));
	c->rules[c->nrules++] = xstrdup(VIGIE_RULESDIR);
	c->nsrc = sizeof(files) / sizeof(files[0]);
	c->src = xcalloc(c->nsrc + 1, sizeof(*c->src));
	for (size_t i = 0; i < c->nsrc; i++) {
		c->src[i].kind = VG_SRC_FILE;
		c->src[i].path = xstrdup(files[i]);
	}
	/* a machine without a syslog daemon (Debian 12's default) has its
	 * authentication log only in the journal; with one, reading both
	 * would count every line twice */
	if (access("/var/log/auth.log", F_OK) != 0 &&
	    access("/var/log/secure", F_OK) != 0 &&
	    (access("/var/log/journal", F_OK) == 0 ||
	     access("/run/log/journal", F_OK) == 0))
		c->src[c->nsrc++].kind = VG_SRC_JOURNALD;
	c->corr_max_groups = 100000;
	c->corr_max_events = 4096;
	c->incident_window = (int64_t)3600 * 1000000000;
	c->response.mode = VG_RESP_SIMULATE;
	c->response.min_level = VG_LVL_HIGH;
	c->response.ban = (int64_t)4 * 3600 * 1000000000;
	c->response.nftables = true;
	c->response.nft_table = xstrdup("vigie");
	c->api_listen = xstrdup("127.0.0.1:8640");
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void vg_config_free(struct vg_config *c)
{
	free(c->file);
	free(c->state_dir);
	free_list(c->rules, c->nrules);
	free(c->mapping);
	free(c->placeholders);
	for (size_t i = 0; i < c->nsrc; i++) {
		free(c->src[i].path);
		free(c->src[i].listen);
	}
	free(c->src);
	free(c->response.escalate);
	free(c->response.nft_table);
	free(c->response.lapi_listen);
	free(c->response.blocklist);
	free(c->response.exec);
	free(c->allow);
	free(c->api_listen);
	free(c->org.name);
	free(c->org.sector);
	free(c->org.region);
	free(c->org.siret);
	free(c->org.email);
	free(c->org.phone);
	free(c->org.nis2);
	memset(c, 0, sizeof(*c));
}

/* Checks that every key of map m is one of known (NULL-terminated). */
static void keys(struct ctx *x, const struct ynode *m, const char *where,
		 const char *const *known)
{
	for (size_t i = 0; i < m->n; i++) {
		bool ok = false;
		char list[256] = "";
		for (size_t k = 0; known[k]; k++) {
			ok |= strcmp(known[k], m->key[i]->s) == 0;
			snprintf(list + strlen(list), sizeof(list) - strlen(list),
				 "%s%s", k ? ", " : "", known[k]);
		}
		if (!ok)
			err(x, m->key[i]->line, "unknown key '%.60s' in %s (%s)",
			    m->key[i]->s, where, list);
	}
}

static const char *scalar(struct ctx *x, const struct ynode *n,
			  const char *what)
{
	if (n->kind != Y_SCALAR || ynode_is_null(n)) {
		err(x, n->line, "%s: a value is expected", what);
		return NULL;
	}
	return n->s;
}

static void set_str(struct ctx *x, char **dst, const struct ynode *n,
		    const char *what)
{
	const char *v = scalar(x, n, what);
	if (v != NULL) {
		free(*dst);
		*dst = xstrdup(v);
	}
}

static void set_dur(struct ctx *x, int64_t *dst, const struct ynode *n,
		    const char *what)
{
	const char *v = scalar(x, n, what);
	if (v == NULL)
		return;
	int64_t d = vg_duration(v);
	if (d < 0)
		err(x, n->line, "%s: '%.40s' is not a duration (30s, 5m, 4h, 7d)",
		    what, v);
	else
		*dst = d;
}

static void set_listen(struct ctx *x, char **dst, const struct ynode *n,
		       const char *what)
{
	const char *v = scalar(x, n, what);
	if (v == NULL)
		return;
	if (strcmp(v, "off") == 0) { /* not served */
		free(*dst);
		*dst = NULL;
		return;
	}
	if (!vg_listen_valid(v)) {
		err(x, n->line, "%s: '%.60s' is not an address:port", what, v);
		return;
	}
	free(*dst);
	*dst = xstrdup(v);
}

static void set_u32(struct ctx *x, uint32_t *dst, const struct ynode *n,
		    const char *what, uint32_t lo, uint32_t hi)
{
	const char *v = scalar(x, n, what);
	char *end;
	if (v == NULL)
		return;
	errno = 0;
	unsigned long long u = strtoull(v, &end, 10);
	if (errno || *end || end == v || u < lo || u > hi)
		err(x, n->line, "%s: a number from %u to %u is expected", what, lo,
		    hi);
	else
		*dst = (uint32_t)u;
}

static void sources(struct ctx *x, struct vg_config *c, const struct ynode *n)
{
	static const char *const known[] = {"file", "journald", "syslog",
					    "stdin", "format", "from", NULL};

	if (n->kind != Y_SEQ) {
		err(x, n->line, "sources: a list is expected");
		return;
	}
	for (size_t i = 0; i < c->nsrc; i++) {
		free(c->src[i].path);
		free(c->src[i].listen);
	}
	free(c->src);
	c->src = xcalloc(n->n + 1, sizeof(*c->src));
	c->nsrc = 0;
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *s = n->item[i];
		struct vg_src_cfg *o = &c->src[c->nsrc];
		const struct ynode *v;
		int kinds = 0;
		if (s->kind != Y_MAP) {
			err(x, s->line, "a source is a mapping: file, journald, "
					"syslog or stdin");
			continue;
		}
		keys(x, s, "a source", known);
		if ((v = ymap_get(s, "file")) != NULL) {
			kinds++;
			o->kind = VG_SRC_FILE;
			set_str(x, &o->path, v, "file");
		}
		if ((v = ymap_get(s, "journald")) != NULL) {
			static const char *const jk[] = {"directory", NULL};
			kinds++;
			o->kind = VG_SRC_JOURNALD;
			if (v->kind == Y_MAP) {
				keys(x, v, "journald", jk);
				const struct ynode *dn = ymap_get(v, "directory");
				if (dn)
					set_str(x, &o->path, dn, "directory");
			} else if (!(v->kind == Y_SCALAR && v->s[0] == '\0')) {
				err(x, v->line, "journald: a mapping ({} for this "
						"machine's journal, or directory)");
			}
		}
		if ((v = ymap_get(s, "syslog")) != NULL) {
			kinds++;
			o->kind = VG_SRC_SYSLOG;
			set_listen(x, &o->listen, v, "syslog");
			if (o->listen && strncmp(o->listen, "udp://", 6) != 0 &&
			    strncmp(o->listen, "tcp://", 6) != 0)
				err(x, v->line,
				    "syslog: say udp:// or tcp:// before the "
				    "address");
		}
		if ((v = ymap_get(s, "stdin")) != NULL) {
			kinds++;
			o->kind = VG_SRC_STDIN;
		}
		if (kinds != 1) {
			err(x, s->line, "a source is one of file, journald, "
					"syslog, stdin");
			free(o->path);
			free(o->listen);
			memset(o, 0, sizeof(*o));
			continue;
		}
		if ((v = ymap_get(s, "from")) != NULL) {
			const char *f = scalar(x, v, "from");
			if (f && strcmp(f, "start") && strcmp(f, "end"))
				err(x, v->line, "from: start or end");
			else if (f && o->kind != VG_SRC_FILE)
				err(x, v->line, "from: only for a file");
			o->from_start = f && strcmp(f, "start") == 0;
		}
		if ((v = ymap_get(s, "format")) != NULL) {
			const char *f = scalar(x, v, "format");
			if (f && vg_format_parse(f, &o->format) != 0)
				err(x, v->line, "format: '%.40s' is not one of "
						"auto, syslog, web, json, kv",
				    f);
		}
		c->nsrc++;
	}
}

static void strlist(struct ctx *x, char ***dst, size_t *n,
		    const struct ynode *v, const char *what)
{
	if (v->kind != Y_SEQ && v->kind != Y_SCALAR) {
		err(x, v->line, "%s: a list is expected", what);
		return;
	}
	free_list(*dst, *n);
	*n = 0;
	*dst = xcalloc(v->kind == Y_SEQ ? v->n + 1 : 1, sizeof(char *));
	if (v->kind == Y_SCALAR) {
		(*dst)[(*n)++] = xstrdup(v->s);
		return;
	}
	for (size_t i = 0; i < v->n; i++) {
		const char *s = scalar(x, v->item[i], what);
		if (s != NULL)
			(*dst)[(*n)++] = xstrdup(s);
	}
}

static void response(struct ctx *x, struct vg_config *c, const struct ynode *r)
{
	static const char *const known[] = {"mode", "min_level", "ban",
					    "escalate", "nftables", "crowdsec",
					    "blocklist", "exec", NULL};
	const struct ynode *v;

	if (r->kind != Y_MAP) {
		err(x, r->line, "response: a mapping is expected");
		return;
	}
	keys(x, r, "response", known);
	if ((v = ymap_get(r, "mode")) != NULL) {
		const char *m = scalar(x, v, "mode");
		if (m && strcmp(m, "enforce") == 0)
			c->response.mode = VG_RESP_ENFORCE;
		else if (m && strcmp(m, "simulate") == 0)
			c->response.mode = VG_RESP_SIMULATE;
		else if (m && strcmp(m, "off") == 0)
			c->response.mode = VG_RESP_OFF;
		else if (m)
			err(x, v->line, "mode: enforce, simulate or off, not "
					"'%.40s'",
			    m);
	}
	if ((v = ymap_get(r, "min_level")) != NULL) {
		const char *m = scalar(x, v, "min_level");
		int lv = -1;
		for (int i = 0; m && i <= VG_LVL_CRITICAL; i++)
			if (strcmp(m, vg_level_name((enum vg_level)i)) == 0)
				lv = i;
		if (m && lv < 0)
			err(x, v->line, "min_level: a Sigma level "
					"(informational … critical)");
		else if (m)
			c->response.min_level = lv;
	}
	if ((v = ymap_get(r, "ban")) != NULL)
		set_dur(x, &c->response.ban, v, "ban");
	if ((v = ymap_get(r, "escalate")) != NULL) {
		if (v->kind != Y_SEQ) {
			err(x, v->line, "escalate: a list of durations");
		} else {
			free(c->response.escalate);
			c->response.escalate = xcalloc(v->n + 1, sizeof(int64_t));
			c->response.nescalate = 0;
			for (size_t i = 0; i < v->n; i++) {
				int64_t d = -1;
				set_dur(x, &d, v->item[i], "escalate");
				if (d > 0)
					c->response.escalate
						[c->response.nescalate++] = d;
			}
		}
	}
	if ((v = ymap_get(r, "nftables")) != NULL) {
		static const char *const nk[] = {"table", "enabled", NULL};
		if (v->kind != Y_MAP) {
			err(x, v->line, "nftables: a mapping (table, enabled)");
		} else {
			keys(x, v, "nftables", nk);
			const struct ynode *t = ymap_get(v, "table");
			const struct ynode *e = ymap_get(v, "enabled");
			if (t)
				set_str(x, &c->response.nft_table, t, "table");
			if (e) {
				const char *b = scalar(x, e, "enabled");
				if (b && strcmp(b, "true") && strcmp(b, "false"))
					err(x, e->line, "enabled: true or false");
				c->response.nftables = b && !strcmp(b, "true");
			}
		}
	}
	if ((v = ymap_get(r, "crowdsec")) != NULL) {
		static const char *const ck[] = {"listen", NULL};
		if (v->kind != Y_MAP) {
			err(x, v->line, "crowdsec: a mapping (listen)");
		} else {
			keys(x, v, "crowdsec", ck);
			const struct ynode *l = ymap_get(v, "listen");
			if (l)
				set_listen(x, &c->response.lapi_listen, l,
					   "listen");
		}
	}
	if ((v = ymap_get(r, "blocklist")) != NULL)
		set_str(x, &c->response.blocklist, v, "blocklist");
	if ((v = ymap_get(r, "exec")) != NULL)
		set_str(x, &c->response.exec, v, "exec");
}

static void organisation(struct ctx *x, struct vg_config *c,
			 const struct ynode *o)
{
	static const char *const known[] = {"name",  "sector", "region",
					    "siret", "email",  "phone",
					    "nis2",  NULL};
	const struct ynode *v;

	if (o->kind != Y_MAP) {
		err(x, o->line, "organisation: a mapping is expected");
		return;
	}
	keys(x, o, "organisation", known);
	struct {
		const char *k;
		char **dst;
	} f[] = {{"name", &c->org.name},     {"sector", &c->org.sector},
		 {"region", &c->org.region}, {"siret", &c->org.siret},
		 {"email", &c->org.email},   {"phone", &c->org.phone},
		 {"nis2", &c->org.nis2}};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if ((v = ymap_get(o, f[i].k)) != NULL)
			set_str(x, f[i].dst, v, f[i].k);
	if (c->org.nis2 && strcmp(c->org.nis2, "essential") &&
	    strcmp(c->org.nis2, "important") && strcmp(c->org.nis2, "none"))
		err(x, ymap_get(o, "nis2")->line,
		    "nis2: essential, important or none");
	if (c->org.siret) {
		size_t n = strlen(c->org.siret);
		if (n != 14 || strspn(c->org.siret, "0123456789") != n)
			err(x, ymap_get(o, "siret")->line,
			    "siret: 14 digits expected");
	}
}

int vg_config_load(struct vg_config *c, const char *path, char **errs)
{
	struct ctx x = {.path = path, .errs = errs};
	static const char *const top[] = {
		"state_dir", "rules",	    "mapping",	"placeholders",
		"sources",   "correlation", "incidents", "response",
		"allowlist", "listen",	    "organisation", NULL};
	FILE *f;
	struct stat sb;
	char *buf;
	size_t n;
	struct vg_arena *a;
	struct ynode **docs;
	size_t nd;
	char why[256];

	free(c->file);
	c->file = xstrdup(path);
	f = fopen(path, "rb");
	if (f == NULL || fstat(fileno(f), &sb) != 0 || S_ISDIR(sb.st_mode)) {
		err(&x, 0, "%s", f && S_ISDIR(sb.st_mode) ? "is a directory"
							   : strerror(errno));
		if (f)
			fclose(f);
		return x.n;
	}
	/* read to the end (a pipe has no size), bounded */
	buf = xmalloc(MAXCONF + 1);
	n = fread(buf, 1, MAXCONF + 1, f);
	fclose(f);
	if (n > MAXCONF) {
		err(&x, 0, "larger than %u bytes", MAXCONF);
		free(buf);
		return x.n;
	}
	buf[n] = '\0';
	a = vg_arena_new(64u << 10, 64u << 20);
	if (ydoc_parse(a, buf, n, &docs, &nd, why, sizeof(why)) != 0) {
		unsigned long line = strncmp(why, "line ", 5) == 0
					     ? strtoul(why + 5, NULL, 10)
					     : 0;
		const char *msg = strstr(why, ": ");
		err(&x, (uint32_t)line, "invalid YAML: %s", msg ? msg + 2 : why);
		goto out;
	}
	if (nd == 0)
		goto out; /* an empty file: the defaults */
	if (nd > 1 || docs[0]->kind != Y_MAP) {
		err(&x, docs[0]->line, "one mapping is expected");
		goto out;
	}
	const struct ynode *r = docs[0], *v;
	keys(&x, r, "the configuration", top);
	if ((v = ymap_get(r, "state_dir")) != NULL)
		set_str(&x, &c->state_dir, v, "state_dir");
	if ((v = ymap_get(r, "rules")) != NULL)
		strlist(&x, &c->rules, &c->nrules, v, "rules");
	if ((v = ymap_get(r, "mapping")) != NULL)
		set_str(&x, &c->mapping, v, "mapping");
	if ((v = ymap_get(r, "placeholders")) != NULL)
		set_str(&x, &c->placeholders, v, "placeholders");
	if ((v = ymap_get(r, "sources")) != NULL)
		sources(&x, c, v);
	if ((v = ymap_get(r, "correlation")) != NULL) {
		static const char *const ck[] = {"max_groups", "max_events",
						 NULL};
		if (v->kind != Y_MAP) {
			err(&x, v->line, "correlation: a mapping is expected");
		} else {
			keys(&x, v, "correlation", ck);
			const struct ynode *g = ymap_get(v, "max_groups");
			const struct ynode *e = ymap_get(v, "max_events");
			if (g)
				set_u32(&x, &c->corr_max_groups, g, "max_groups",
					16, 100000000);
			if (e)
				set_u32(&x, &c->corr_max_events, e, "max_events",
					16, 1000000);
		}
	}
	if ((v = ymap_get(r, "incidents")) != NULL) {
		static const char *const ik[] = {"window", NULL};
		if (v->kind != Y_MAP) {
			err(&x, v->line, "incidents: a mapping is expected");
		} else {
			keys(&x, v, "incidents", ik);
			const struct ynode *w = ymap_get(v, "window");
			if (w)
				set_dur(&x, &c->incident_window, w, "window");
		}
	}
	if ((v = ymap_get(r, "response")) != NULL)
		response(&x, c, v);
	if ((v = ymap_get(r, "allowlist")) != NULL) {
		if (v->kind != Y_SEQ) {
			err(&x, v->line, "allowlist: a list of addresses or "
					 "networks");
		} else {
			free(c->allow);
			c->allow = xcalloc(v->n + 1, sizeof(*c->allow));
			c->nallow = 0;
			for (size_t i = 0; i < v->n; i++) {
				const char *s = scalar(&x, v->item[i],
						       "allowlist");
				if (s == NULL)
					continue;
				if (vg_cidr_parse(s, &c->allow[c->nallow]) != 0)
					err(&x, v->item[i]->line,
					    "allowlist: '%.60s' is not an address "
					    "or a network",
					    s);
				else
					c->nallow++;
			}
		}
	}
	if ((v = ymap_get(r, "listen")) != NULL) {
		static const char *const lk[] = {"api", NULL};
		if (v->kind != Y_MAP) {
			err(&x, v->line, "listen: a mapping (api)");
		} else {
			keys(&x, v, "listen", lk);
			const struct ynode *l = ymap_get(v, "api");
			if (l)
				set_listen(&x, &c->api_listen, l, "api");
		}
	}
	if ((v = ymap_get(r, "organisation")) != NULL)
		organisation(&x, c, v);
out:
	vg_arena_free(a);
	free(buf);
	return x.n;
}
