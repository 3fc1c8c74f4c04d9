/* The CrowdSec Local API decision stream, served from vigie's store, so
 * that existing bouncers enforce vigie's decisions unmodified:
 *   GET|HEAD /v1/decisions/stream?startup=&scopes=&origins=
 *            &scenarios_containing=&scenarios_not_containing=
 *   GET|HEAD /v1/decisions?ip=|range=|scope=&value=|type=
 *   POST     /v1/usage-metrics (accepted, ignored)
 *   GET      /health
 * Bouncers authenticate with X-Api-Key (kept as SHA-512). The stream is
 * stateful per bouncer: startup gives every active decision and every
 * ended one; later pulls give what was created since that bouncer's last
 * complete pull, and what ended since then less 2 s of overlap. Durations are
 * Go's ("3h59m58s", "-12m3s"); an empty live answer is null. */
#include "lapi.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

#include "../lib/buf.h"
#include "../lib/cidr.h"
#include "../lib/escape.h"
#include "../lib/sockaddr.h"
#include "../lib/xmalloc.h"
#include "../store/store.h"

#define OVERLAP (2LL * 1000000000)

struct vg_lapi {
	struct MHD_Daemon *d;
	struct vg_store *s;
	pthread_mutex_t mu;
	uint64_t requests, denied;
};

void vg_lapi_hash(const char *key, char out[129])
{
	unsigned char md[64];
	unsigned int n = 0;

	EVP_Digest(key, strlen(key), md, &n, EVP_sha512(), NULL);
	vg_hex(md, n < 64 ? n : 64, out);
}

int vg_lapi_new_key(char out[65])
{
	unsigned char r[32];

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return -1;
	vg_hex(r, sizeof(r), out);
	return 0;
}

void vg_go_duration(int64_t ns, char *out, size_t n)
{
	int64_t s = ns / 1000000000;
	const char *sign = "";

	if (ns < 0) {
		s = -ns / 1000000000;
		sign = s > 0 ? "-" : "";
	}
	if (s >= 3600)
		snprintf(out, n, "%s%lldh%lldm%llds", sign, (long long)(s / 3600),
			 (long long)(s / 60 % 60), (long long)(s % 60));
	else if (s >= 60)
		snprintf(out, n, "%s%lldm%llds", sign, (long long)(s / 60),
			 (long long)(s % 60));
	else
		snprintf(out, n, "%s%llds", sign, (long long)s);
}

/* comma-separated list membership, case-insensitive */
static bool in_list(const char *list, const char *v)
{
	size_t vl = strlen(v);

	if (list == NULL || *list == '\0')
		return true;
	for (const char *p = list; *p;) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p);
		if (l == vl && strncasecmp(p, v, l) == 0)
			return true;
		p += l + (c != NULL);
	}
	return false;
}

static bool any_contained(const char *list, const char *v)
{
	char item[256];

	for (const char *p = list; p && *p;) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p);
		snprintf(item, sizeof(item), "%.*s", (int)(l < 255 ? l : 255), p);
		if (*item && strstr(v, item) != NULL)
			return true;
		p += l + (c != NULL);
	}
	return false;
}

struct filter {
	const char *scopes, *origins, *sc_in, *sc_out, *type;
	int64_t now;
	struct vg_buf *o;
	int n;
	/* live mode */
	const char *ip, *value, *scope, *range;
	bool contains;
};

static const char *scope_name(const char *s)
{
	return strcmp(s, "ip") == 0 ? "Ip" : strcmp(s, "range") == 0 ? "Range"
								      : s;
}

static bool addr_in(const char *ip, const char *range)
{
	struct vg_cidr c;
	uint8_t fam, a[16];

	return vg_cidr_parse(range, &c) == 0 &&
	       vg_ip_parse(ip, strlen(ip), &fam, a) && vg_cidr_match(&c, fam, a);
}

static int emit(const struct vg_decision *d, void *arg)
{
	struct filter *f = arg;
	char dur[48];

	if (!in_list(f->scopes, scope_name(d->scope)) ||
	    !in_list(f->origins, d->origin) ||
	    (f->sc_in && *f->sc_in && !any_contained(f->sc_in, d->scenario)) ||
	    (f->sc_out && *f->sc_out && any_contained(f->sc_out, d->scenario)) ||
	    (f->type && *f->type && strcmp(f->type, d->type) != 0))
		return 0;
	if (f->ip != NULL) {
		bool hit = strcmp(d->value, f->ip) == 0 ||
			   (f->contains && strcmp(d->scope, "range") == 0 &&
			    addr_in(f->ip, d->value));
		if (!hit)
			return 0;
	}
	if (f->range != NULL && strcmp(d->value, f->range) != 0)
		return 0;
	if (f->value != NULL && strcmp(d->value, f->value) != 0)
		return 0;
	vg_go_duration(d->until - f->now, dur, sizeof(dur));
	vg_buf_printf(f->o, "%s{\"id\":%lld,\"origin\":\"", f->n++ ? "," : "",
		      (long long)d->id);
	vg_esc_json(f->o, d->origin, strlen(d->origin));
	vg_buf_printf(f->o, "\",\"type\":\"");
	vg_esc_json(f->o, d->type, strlen(d->type));
	vg_buf_printf(f->o, "\",\"scope\":\"%s\",\"value\":\"",
		      scope_name(d->scope));
	vg_esc_json(f->o, d->value, strlen(d->value));
	vg_buf_printf(f->o, "\",\"duration\":\"%s\",\"scenario\":\"", dur);
	vg_esc_json(f->o, d->scenario, strlen(d->scenario));
	vg_buf_puts(f->o, "\"}");
	return 0;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status,
			     struct vg_buf *o, bool head)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		head ? 0 : o->len, head ? (void *)"" : o->p,
		MHD_RESPMEM_MUST_COPY);
	enum MHD_Result rc;

	MHD_add_response_header(r, "Content-Type", "application/json");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static const char *arg(struct MHD_Connection *c, const char *k)
{
	return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, k);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
			      const char *url, const char *method,
			      const char *version, const char *upload,
			      size_t *upload_size, void **state)
{
	struct vg_lapi *l = cls;
	bool head = strcmp(method, "HEAD") == 0;
	struct vg_buf o;
	enum MHD_Result rc;
	unsigned status = 200;
	(void)version;
	(void)upload;

	if (strcmp(method, "POST") == 0) {
		/* the body is read and dropped; answer once it is all in */
		if (*state == NULL) {
			*state = (void *)1;
			return MHD_YES;
		}
		if (*upload_size != 0) {
			*upload_size = 0;
			return MHD_YES;
		}
	}
	vg_buf_init(&o, 1u << 30);
	pthread_mutex_lock(&l->mu);
	l->requests++;
	if (strcmp(url, "/health") == 0) {
		vg_buf_puts(&o, "{\"status\":\"up\"}");
		goto out;
	}
	const char *key = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						      "X-Api-Key");
	char hash[129];
	int64_t last = 0, id = 0;
	if (key != NULL) {
		vg_lapi_hash(key, hash);
		id = vg_store_bouncer_auth(l->s, hash, &last);
	}
	if (id <= 0) {
		l->denied++;
		status = 403;
		vg_buf_puts(&o, "{\"message\":\"access forbidden\"}");
		goto out;
	}
	int64_t now = vg_store_now();
	if (strcmp(url, "/v1/usage-metrics") == 0 &&
	    strcmp(method, "POST") == 0) {
		status = 201;
		vg_store_bouncer_pulled(l->s, id, 0, now);
		goto out;
	}
	if (strcmp(method, "GET") != 0 && !head) {
		status = 405;
		vg_buf_puts(&o, "{\"message\":\"method not allowed\"}");
		goto out;
	}
	struct filter f = {.scopes = arg(c, "scopes"),
			   .origins = arg(c, "origins"),
			   .sc_in = arg(c, "scenarios_containing"),
			   .sc_out = arg(c, "scenarios_not_containing"),
			   .now = now,
			   .o = &o};
	if (f.scopes == NULL)
		f.scopes = "ip,range";
	if (strcmp(url, "/v1/decisions/stream") == 0) {
		const char *su = arg(c, "startup");
		bool startup = su && strcmp(su, "true") == 0;
		int64_t since = startup || last == 0 ? 0 : last - OVERLAP;
		if (head)
			goto out; /* a health check: last_pull untouched */
		vg_buf_puts(&o, "{\"new\":[");
		int a = vg_store_decisions(l->s, VG_DQ_ACTIVE,
					   startup || last == 0 ? 0 : last, now,
					   emit, &f);
		vg_buf_puts(&o, "],\"deleted\":[");
		f.n = 0;
		int b = vg_store_decisions(l->s, VG_DQ_EXPIRED, since, now,
					   emit, &f);
		vg_buf_puts(&o, "]}");
		if (a < 0 || b < 0) {
			status = 500;
			vg_buf_reset(&o);
			vg_buf_puts(&o, "{\"message\":\"store error\"}");
		} else {
			vg_store_bouncer_pulled(l->s, id, now, now);
		}
		goto out;
	}
	if (strcmp(url, "/v1/decisions") == 0) {
		const char *ct = arg(c, "contains");
		f.ip = arg(c, "ip");
		f.range = arg(c, "range");
		f.value = arg(c, "value");
		f.type = arg(c, "type");
		f.contains = ct == NULL || strcmp(ct, "false") != 0;
		if (arg(c, "scope") != NULL)
			f.scopes = arg(c, "scope");
		vg_buf_putc(&o, '[');
		if (vg_store_decisions(l->s, VG_DQ_ACTIVE, 0, now, emit, &f) < 0) {
			status = 500;
			vg_buf_reset(&o);
			vg_buf_puts(&o, "{\"message\":\"store error\"}");
			goto out;
		}
		if (f.n == 0) {
			vg_buf_reset(&o);
			vg_buf_puts(&o, "null");
		} else {
			vg_buf_putc(&o, ']');
		}
		vg_store_bouncer_pulled(l->s, id, 0, now);
		goto out;
	}
	status = 404;
	vg_buf_puts(&o, "{\"message\":\"not found\"}");
out:
	pthread_mutex_unlock(&l->mu);
	rc = reply(c, status, &o, head);
	vg_buf_free(&o);
	return rc;
}

struct vg_lapi *vg_lapi_start(const char *listen, const char *state_dir,
			      char *err, size_t errlen)
{
	struct vg_lapi *l = xcalloc(1, sizeof(*l));
	int fd = vg_listen_tcp(listen, err, errlen);

	if (fd < 0) {
		free(l);
		return NULL;
	}
	l->s = vg_store_open(state_dir, false, err, errlen);
	if (l->s == NULL) {
		close(fd);
		free(l);
		return NULL;
	}
	pthread_mutex_init(&l->mu, NULL);
	l->d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL,
		NULL, handle, l, MHD_OPTION_LISTEN_SOCKET, fd,
		MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned)30, MHD_OPTION_CONNECTION_LIMIT, (unsigned)256,
		MHD_OPTION_END);
	if (l->d == NULL) {
		snprintf(err, errlen, "%s: cannot serve", listen);
		close(fd);
		vg_store_close(l->s);
		free(l);
		return NULL;
	}
	return l;
}

void vg_lapi_stop(struct vg_lapi *l)
{
	if (l == NULL)
		return;
	MHD_stop_daemon(l->d);
	vg_store_close(l->s);
	pthread_mutex_destroy(&l->mu);
	free(l);
}
