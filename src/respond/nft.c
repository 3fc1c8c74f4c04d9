/* nftables back-end (see nft.h). Commands go to libnftables as text,
 * several per call, which nftables applies as one transaction. */
#include "nft.h"

#include <nftables/libnftables.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/buf.h"
#include "../lib/cidr.h"
#include "../lib/xmalloc.h"
#include "../run/config.h"
#include "../store/store.h"

struct vg_nft {
	struct nft_ctx *ctx;
	char table[64];
	char err[512];
};

static bool name_ok(const char *t)
{
	size_t n = strlen(t);
	if (n == 0 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= '0' && t[i] <= '9') ||
		      t[i] == '_' || t[i] == '-'))
			return false;
	return true;
}

struct vg_nft *vg_nft_open(const char *table, char *err, size_t errlen)
{
	struct vg_nft *n;

	if (!name_ok(table)) {
		snprintf(err, errlen, "nftables: '%s' is not a table name "
				      "(a-z, 0-9, _ and -)",
			 table);
		return NULL;
	}
	n = xcalloc(1, sizeof(*n));
	n->ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	if (n->ctx == NULL) {
		snprintf(err, errlen, "nftables: cannot create a context");
		free(n);
		return NULL;
	}
	nft_ctx_buffer_output(n->ctx);
	nft_ctx_buffer_error(n->ctx);
	snprintf(n->table, sizeof(n->table), "%s", table);
	return n;
}

void vg_nft_close(struct vg_nft *n)
{
	if (n == NULL)
		return;
	nft_ctx_free(n->ctx);
	free(n);
}

const char *vg_nft_error(const struct vg_nft *n) { return n->err; }

static int run(struct vg_nft *n, const char *cmd)
{
	if (nft_run_cmd_from_buffer(n->ctx, cmd) != 0) {
		const char *e = nft_ctx_get_error_buffer(n->ctx);
		snprintf(n->err, sizeof(n->err), "nftables: %s",
			 e && *e ? e : "command refused");
		size_t l = strlen(n->err);
		while (l > 0 && n->err[l - 1] == '\n')
			n->err[--l] = '\0';
		return -1;
	}
	return 0;
}

int vg_nft_setup(struct vg_nft *n)
{
	char cmd[2048];
	const char *t = n->table;

	snprintf(cmd, sizeof(cmd),
		 "add table inet %s\n"
		 "add set inet %s ban4 { type ipv4_addr; flags interval, timeout; }\n"
		 "add set inet %s ban6 { type ipv6_addr; flags interval, timeout; }\n"
		 "add chain inet %s input { type filter hook input priority -5; "
		 "policy accept; }\n"
		 "add chain inet %s forward { type filter hook forward priority -5; "
		 "policy accept; }\n"
		 "flush chain inet %s input\n"
		 "flush chain inet %s forward\n"
		 "add rule inet %s input ip saddr @ban4 drop\n"
		 "add rule inet %s input ip6 saddr @ban6 drop\n"
		 "add rule inet %s forward ip saddr @ban4 drop\n"
		 "add rule inet %s forward ip6 saddr @ban6 drop\n",
		 t, t, t, t, t, t, t, t, t, t, t);
	return run(n, cmd);
}

/* The set for a value, or NULL when it is not an address or network. */
static const char *set_of(const char *value)
{
	struct vg_cidr c;

	if (vg_cidr_parse(value, &c) != 0)
		return NULL;
	return c.fam == 4 ? "ban4" : "ban6";
}

int vg_nft_ban(struct vg_nft *n, const char *value, int64_t timeout_s)
{
	char cmd[512];
	const char *set = set_of(value);

	if (set == NULL) {
		snprintf(n->err, sizeof(n->err), "nftables: '%.60s' is not an "
						  "address or a network",
			 value);
		return -1;
	}
	if (timeout_s < 1)
		timeout_s = 1;
	/* delete first (ignoring absence) so that the timeout is the new one */
	snprintf(cmd, sizeof(cmd), "delete element inet %s %s { %s }\n",
		 n->table, set, value);
	nft_run_cmd_from_buffer(n->ctx, cmd);
	snprintf(cmd, sizeof(cmd), "add element inet %s %s { %s timeout %llds }\n",
		 n->table, set, value, (long long)timeout_s);
	return run(n, cmd);
}

int vg_nft_unban(struct vg_nft *n, const char *value)
{
	char cmd[512];
	const char *set = set_of(value);

	if (set == NULL)
		return 0;
	snprintf(cmd, sizeof(cmd), "delete element inet %s %s { %s }\n",
		 n->table, set, value);
	return run(n, cmd);
}

/* The active bans, as elements: an interval set refuses overlapping
 * elements, so a ban inside a banned network is left out (the network
 * covers it; when the network's ban ends, the next sync puts it back),
 * and a value banned twice is written once with the longer timeout. */
struct elem {
	struct vg_cidr c;
	int64_t until;
	const char *value;
};

struct collect {
	struct elem *e;
	size_t n, cap;
	struct vg_buf strings;
	int64_t now;
};

static int add_elem(const struct vg_decision *d, void *arg)
{
	struct collect *c = arg;
	struct elem e = {.until = d->until};

	if (set_of(d->value) == NULL || strcmp(d->type, "ban") != 0 ||
	    vg_cidr_parse(d->value, &e.c) != 0)
		return 0;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 256;
		c->e = xreallocarray(c->e, c->cap, sizeof(*c->e));
	}
	/* the value's text, kept (the row's strings do not outlive fn) */
	e.value = (const char *)(uintptr_t)c->strings.len;
	vg_buf_put(&c->strings, d->value, strlen(d->value) + 1);
	c->e[c->n++] = e;
	return 0;
}

static int elem_cmp(const void *a, const void *b)
{
	const struct elem *x = a, *y = b;
	int r = memcmp(x->c.addr, y->c.addr, 16);

	if (x->c.fam != y->c.fam)
		return x->c.fam - y->c.fam;
	if (r)
		return r;
	return x->c.bits - y->c.bits;
}

static bool covered(const struct collect *c, size_t i)
{
	const struct elem *e = &c->e[i];

	for (size_t k = 0; k < c->n; k++) {
		const struct elem *r = &c->e[k];
		/* equal values were merged before: only a wider network
		 * covers */
		if (k == i || r->c.fam != e->c.fam || r->c.bits >= e->c.bits)
			continue;
		if (vg_cidr_match(&r->c, e->c.fam, e->c.addr))
			return true;
	}
	return false;
}

int vg_nft_sync(struct vg_nft *n, struct vg_store *s, int *count)
{
	struct collect c = {.now = vg_store_now()};
	struct vg_buf b[2], cmd;
	int rc, k[2] = {0, 0};

	vg_buf_init(&b[0], 1u << 30);
	vg_buf_init(&b[1], 1u << 30);
	vg_buf_init(&cmd, 1u << 30);
	vg_buf_init(&c.strings, 1u << 30);
	if (vg_store_decisions(s, VG_DQ_ACTIVE, 0, c.now, add_elem, &c) < 0) {
		snprintf(n->err, sizeof(n->err), "%s", vg_store_error(s));
		rc = -1;
		goto out;
	}
	if (c.n > 1)
		qsort(c.e, c.n, sizeof(*c.e), elem_cmp);
	for (size_t i = 0; i < c.n; i++) {
		/* the same value twice: keep the longer ban */
		if (i + 1 < c.n && elem_cmp(&c.e[i], &c.e[i + 1]) == 0) {
			if (c.e[i].until > c.e[i + 1].until)
				c.e[i + 1].until = c.e[i].until;
			continue;
		}
		if (covered(&c, i))
			continue;
		int f = c.e[i].c.fam == 6;
		int64_t left = (c.e[i].until - c.now) / 1000000000;
		vg_buf_printf(&b[f], "%s%s timeout %llds", k[f]++ ? ", " : "",
			      c.strings.p + (uintptr_t)c.e[i].value,
			      (long long)(left < 1 ? 1 : left));
	}
	/* one transaction: both sets emptied and refilled */
	vg_buf_printf(&cmd, "flush set inet %s ban4\nflush set inet %s ban6\n",
		      n->table, n->table);
	if (k[0])
		vg_buf_printf(&cmd, "add element inet %s ban4 { %s }\n", n->table,
			      vg_buf_cstr(&b[0]));
	if (k[1])
		vg_buf_printf(&cmd, "add element inet %s ban6 { %s }\n", n->table,
			      vg_buf_cstr(&b[1]));
	rc = run(n, vg_buf_cstr(&cmd));
	*count = k[0] + k[1];
out:
	free(c.e);
	vg_buf_free(&c.strings);
	vg_buf_free(&b[0]);
	vg_buf_free(&b[1]);
	vg_buf_free(&cmd);
	return rc;
}
