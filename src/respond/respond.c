/* The response policy and the back-ends that enforce it (respond.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/buf.h"
#include "../lib/escape.h"
#include "../lib/vtime.h"
#include "../lib/xmalloc.h"
#include "lapi.h"
#include "nft.h"
#include "respond.h"

extern char **environ;

#define NS 1000000000LL
#define MAX_BAN ((int64_t)30 * 86400 * NS)
#define HOOKS 64 /* hook processes running at once; more are skipped */

struct pending {
	char value[64], scope[8], scenario[256];
	int64_t until;
};

struct vg_respond {
	const struct vg_config *c;
	struct vg_nft *nft;
	struct {
		struct vg_cidr a;
	} *own;
	size_t nown;
	int64_t own_at;
	struct pending *pend;
	size_t npend, cappend;
	int64_t last_tick; /* 0: never */
	int64_t last_id;   /* decisions up to this id were seen */
	bool blocklist_dirty;
	pid_t hooks[HOOKS];
	struct vg_respond_stats st;
	char val[64], scen[256];
	char err[512];
};

static void host_addrs(struct vg_respond *r, int64_t now)
{
	struct ifaddrs *ifs, *i;

	if (r->own_at && now - r->own_at < 60 * NS)
		return;
	r->own_at = now;
	r->nown = 0;
	if (getifaddrs(&ifs) != 0)
		return;
	for (i = ifs; i; i = i->ifa_next)
		r->nown += i->ifa_addr != NULL;
	free(r->own);
	r->own = xcalloc(r->nown + 1, sizeof(*r->own));
	r->nown = 0;
	for (i = ifs; i; i = i->ifa_next) {
		struct vg_cidr *c = &r->own[r->nown].a;
		if (i->ifa_addr == NULL)
			continue;
		if (i->ifa_addr->sa_family == AF_INET) {
			c->fam = 4;
			c->bits = 32;
			memcpy(c->addr, &((const struct sockaddr_in *)(void *)
						  i->ifa_addr)->sin_addr, 4);
			r->nown++;
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			c->fam = 6;
			c->bits = 128;
			memcpy(c->addr, &((const struct sockaddr_in6 *)(void *)
						  i->ifa_addr)->sin6_addr, 16);
			r->nown++;
		}
	}
	freeifaddrs(ifs);
}

static bool loopback(const struct vg_cidr *c)
{
	static const uint8_t lo6[16] = {[15] = 1};
	static const uint8_t any6[16] = {0};

	if (c->fam == 4)
		return c->addr[0] == 127 || c->addr[0] == 0;
	return memcmp(c->addr, lo6, 16) == 0 || memcmp(c->addr, any6, 16) == 0;
}

/* Does the decision's network c contain one of the host's addresses? */
static bool covers_own(const struct vg_cidr *c, const struct vg_cidr *own,
		       size_t n, size_t stride)
{
	for (size_t i = 0; i < n; i++) {
		const struct vg_cidr *o =
			(const struct vg_cidr *)(const void *)((const char *)own +
							       i * stride);
		if (o->fam == c->fam && vg_cidr_match(c, c->fam, o->addr))
			return true;
	}
	return false;
}

bool vg_addr_protected(const struct vg_cidr *c)
{
	struct vg_respond r = {0};
	bool hit;

	if (loopback(c))
		return true;
	host_addrs(&r, 1);
	hit = covers_own(c, &r.own[0].a, r.nown, sizeof(*r.own));
	free(r.own);
	return hit;
}

struct vg_respond *vg_respond_new(const struct vg_config *c, char *err,
				  size_t errlen)
{
	struct vg_respond *r = xcalloc(1, sizeof(*r));

	r->c = c;
	if (c->response.mode == VG_RESP_ENFORCE && c->response.nftables) {
		r->nft = vg_nft_open(c->response.nft_table, err, errlen);
		if (r->nft == NULL || vg_nft_setup(r->nft) != 0) {
			if (r->nft != NULL)
				snprintf(err, errlen, "%s", vg_nft_error(r->nft));
			vg_nft_close(r->nft);
			free(r);
			return NULL;
		}
	}
	return r;
}

void vg_respond_free(struct vg_respond *r)
{
	if (r == NULL)
		return;
	vg_nft_close(r->nft);
	free(r->own);
	free(r->pend);
	free(r);
}

const struct vg_respond_stats *vg_respond_stats(const struct vg_respond *r)
{
	return &r->st;
}

const char *vg_respond_error(const struct vg_respond *r) { return r->err; }

int vg_respond_decide(struct vg_respond *r, struct vg_store *s,
		      const struct vg_alert *a, int64_t alert_id,
		      const char *scenario, struct vg_decision *d)
{
	const struct vg_config *c = r->c;
	struct vg_cidr ip;
	int64_t now = vg_store_now();
	bool sim = c->response.mode == VG_RESP_SIMULATE;

	if (c->response.mode == VG_RESP_OFF || a->level < c->response.min_level ||
	    a->src_ip == NULL ||
	    !vg_ip_parse(a->src_ip, strlen(a->src_ip), &ip.fam, ip.addr))
		return 0;
	ip.bits = ip.fam == 4 ? 32 : 128;
	for (size_t i = 0; i < c->nallow; i++)
		if (c->allow[i].fam == ip.fam &&
		    vg_cidr_match(&c->allow[i], ip.fam, ip.addr)) {
			r->st.allowlisted++;
			return 0;
		}
	host_addrs(r, now);
	if (loopback(&ip) || covers_own(&ip, &r->own[0].a, r->nown,
					sizeof(*r->own))) {
		r->st.protected_addrs++;
		return 0;
	}
	/* the address as the back-ends write it (v4-mapped as v4) */
	if (inet_ntop(ip.fam == 4 ? AF_INET : AF_INET6, ip.addr, r->val,
		      sizeof(r->val)) == NULL)
		return 0;
	int act = vg_store_active_on(s, r->val, now, sim);
	if (act < 0)
		return -1;
	if (act > 0) {
		r->st.already++;
		return 0;
	}
	int prev = vg_store_count_decisions(s, r->val);
	if (prev < 0)
		return -1;
	int64_t dur = c->response.ban;
	if (prev > 0 && c->response.nescalate > 0)
		dur = c->response.escalate[(size_t)prev - 1 < c->response.nescalate
						   ? (size_t)prev - 1
						   : c->response.nescalate - 1];
	else if (prev > 0)
		for (int k = 0; k < prev && dur < MAX_BAN; k++)
			dur *= 4;
	if (dur > MAX_BAN)
		dur = MAX_BAN;
	snprintf(r->scen, sizeof(r->scen), "%s", scenario);
	*d = (struct vg_decision){
		.created = now,
		.until = now + dur,
		.scope = "ip",
		.value = r->val,
		.origin = "vigie",
		.reason = a->rule_id,
		.type = "ban",
		.scenario = r->scen,
		.alert_id = alert_id,
		.simulated = sim,
	};
	d->id = vg_store_add_decision(s, d);
	if (d->id < 0)
		return -1;
	r->st.decisions++;
	if (sim) {
		r->st.simulated++;
		return 1;
	}
	if (r->npend == r->cappend) {
		r->cappend = r->cappend ? r->cappend * 2 : 16;
		r->pend = xreallocarray(r->pend, r->cappend, sizeof(*r->pend));
	}
	struct pending *p = &r->pend[r->npend++];
	snprintf(p->value, sizeof(p->value), "%s", r->val);
	snprintf(p->scope, sizeof(p->scope), "ip");
	snprintf(p->scenario, sizeof(p->scenario), "%s", scenario);
	p->until = d->until;
	return 1;
}

/* ---- the exec hook ---- */

static void reap(struct vg_respond *r)
{
	for (int i = 0; i < HOOKS; i++)
		if (r->hooks[i] > 0 && waitpid(r->hooks[i], NULL, WNOHANG) != 0)
			r->hooks[i] = 0;
}

static void hook(struct vg_respond *r, const char *action, const char *value,
		 const char *scope, const char *scenario, int64_t until)
{
	struct vg_buf js;
	char ts[48];
	int fds[2], slot = -1;
	posix_spawn_file_actions_t fa;
	pid_t pid;

	if (r->c->response.exec == NULL)
		return;
	reap(r);
	for (int i = 0; i < HOOKS && slot < 0; i++)
		if (r->hooks[i] == 0)
			slot = i;
	if (slot < 0) {
		snprintf(r->err, sizeof(r->err), "exec: %d hooks still running; "
						  "skipped",
			 HOOKS);
		r->st.errors++;
		return;
	}
	vg_buf_init(&js, 1u << 16);
	vg_time_fmt(ts, until);
	vg_buf_printf(&js, "{\"action\":\"%s\",\"scope\":\"%s\",\"value\":\"",
		      action, scope);
	vg_esc_json(&js, value, strlen(value));
	vg_buf_puts(&js, "\",\"until\":\"");
	vg_buf_puts(&js, ts);
	vg_buf_puts(&js, "\",\"scenario\":\"");
	vg_esc_json(&js, scenario, strlen(scenario));
	vg_buf_puts(&js, "\"}\n");
	if (pipe2(fds, O_CLOEXEC) != 0) {
		vg_buf_free(&js);
		return;
	}
	char *argv[] = {r->c->response.exec, NULL};
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
	if (posix_spawn(&pid, r->c->response.exec, &fa, NULL, argv, environ) !=
	    0) {
		snprintf(r->err, sizeof(r->err), "exec: %.400s: %s",
			 r->c->response.exec, strerror(errno));
		r->st.errors++;
	} else {
		r->hooks[slot] = pid;
		r->st.hooks++;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(fds[0]);
	/* one small object: within PIPE_BUF, written at once */
	if (write(fds[1], js.p, js.len) < 0)
		r->st.errors++;
	close(fds[1]);
	vg_buf_free(&js);
}

/* ---- the blocklist file ---- */

static int list_row(const struct vg_decision *d, void *arg)
{
	struct vg_buf *b = arg;

	vg_buf_puts(b, d->value);
	vg_buf_putc(b, '\n');
	return 0;
}

static void write_blocklist(struct vg_respond *r, struct vg_store *s,
			    int64_t now)
{
	const char *path = r->c->response.blocklist;
	char tmp[4200];
	struct vg_buf b;
	int fd;

	if (path == NULL)
		return;
	vg_buf_init(&b, 1u << 30);
	vg_buf_puts(&b, "# vigie: addresses and networks banned now\n");
	if (vg_store_decisions(s, VG_DQ_ACTIVE, 0, now, list_row, &b) < 0) {
		vg_buf_free(&b);
		r->st.errors++;
		return;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || vg_buf_flush(&b, fd) != 0 || fsync(fd) != 0 ||
	    close(fd) != 0 || rename(tmp, path) != 0) {
		snprintf(r->err, sizeof(r->err), "blocklist %.400s: %s", path,
			 strerror(errno));
		r->st.errors++;
		if (fd >= 0)
			unlink(tmp);
	} else {
		r->blocklist_dirty = false;
	}
	vg_buf_free(&b);
}

/* ---- enforcing ---- */

/* The sets made to hold exactly the active bans (overlaps resolved). */
static void nft_sync(struct vg_respond *r, struct vg_store *s)
{
	int n;

	if (r->nft != NULL && vg_nft_sync(r->nft, s, &n) != 0) {
		snprintf(r->err, sizeof(r->err), "%s", vg_nft_error(r->nft));
		r->st.errors++;
	}
}

static void ban(struct vg_respond *r, struct vg_store *s, const char *value,
		const char *scope, const char *scenario, int64_t until,
		int64_t now)
{
	/* one element added in place; when it overlaps a banned network
	 * (or is a network over banned addresses), the sets are rebuilt */
	if (r->nft != NULL && vg_nft_ban(r->nft, value, (until - now + NS - 1) /
							      NS) != 0)
		nft_sync(r, s);
	hook(r, "ban", value, scope, scenario, until);
	r->blocklist_dirty = true;
	r->st.enforced++;
}

void vg_respond_enforce(struct vg_respond *r, struct vg_store *s)
{
	int64_t now = vg_store_now();

	for (size_t i = 0; i < r->npend; i++)
		ban(r, s, r->pend[i].value, r->pend[i].scope,
		    r->pend[i].scenario, r->pend[i].until, now);
	r->npend = 0;
	if (r->blocklist_dirty)
		write_blocklist(r, s, now);
}

struct tick {
	struct vg_respond *r;
	struct vg_store *s;
	int64_t now;
	bool resync; /* a network's ban ended: what it covered comes back */
};

static int on_new(const struct vg_decision *d, void *arg)
{
	struct tick *t = arg;

	if (d->id <= t->r->last_id)
		return 0;
	t->r->last_id = d->id;
	/* ours were enforced at once; the CLI's and other origins' here */
	if (strcmp(d->origin, "vigie") != 0)
		ban(t->r, t->s, d->value, d->scope, d->scenario, d->until,
		    t->now);
	return 0;
}

static int on_ended(const struct vg_decision *d, void *arg)
{
	struct tick *t = arg;
	int still = vg_store_active_on(t->s, d->value, t->now, false);

	if (still != 0) /* another decision holds it, or an error */
		return 0;
	if (t->r->nft != NULL)
		vg_nft_unban(t->r->nft, d->value);
	t->resync |= strcmp(d->scope, "range") == 0;
	hook(t->r, d->deleted ? "delete" : "expire", d->value, d->scope,
	     d->scenario, d->until);
	t->r->blocklist_dirty = true;
	t->r->st.unbanned++;
	return 0;
}

void vg_respond_tick(struct vg_respond *r, struct vg_store *s, int64_t now)
{
	struct tick t = {r, s, now, false};

	reap(r);
	if (r->c->response.mode != VG_RESP_ENFORCE) {
		r->last_tick = now;
		return;
	}
	if (r->last_tick == 0) {
		nft_sync(r, s);
		r->blocklist_dirty = true;
	} else {
		/* created since the last tick (a second of overlap: the CLI's
		 * clock and ours), and ended since */
		if (vg_store_decisions(s, VG_DQ_ACTIVE, r->last_tick - NS, now,
				       on_new, &t) < 0 ||
		    vg_store_decisions(s, VG_DQ_EXPIRED, r->last_tick, now,
				       on_ended, &t) < 0)
			r->st.errors++;
		if (t.resync)
			nft_sync(r, s);
	}
	r->last_tick = now;
	if (r->blocklist_dirty)
		write_blocklist(r, s, now);
}
