/* nftables back-end (see nft.h). Commands go to libnftables as text,
 * several per call, which nftables applies as one transaction. */
#include "nft.h"

#include <nftables/libnftables.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/buf.h"
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

struct collect {
	struct vg_buf b4, b6;
	int n4, n6;
	int64_t now;
};

static int add_elem(const struct vg_decision *d, void *arg)
{
	struct collect *c = arg;
	const char *set = set_of(d->value);
	int64_t left = (d->until - c->now) / 1000000000;

	if (set == NULL || strcmp(d->type, "ban") != 0)
		return 0;
	if (left < 1)
		left = 1;
	struct vg_buf *b = set[3] == '4' ? &c->b4 : &c->b6;
	int *k = set[3] == '4' ? &c->n4 : &c->n6;
	vg_buf_printf(b, "%s%s timeout %llds", (*k)++ ? ", " : "", d->value,
		      (long long)left);
	return 0;
}

int vg_nft_sync(struct vg_nft *n, struct vg_store *s, int *count)
{
	struct collect c = {.now = vg_store_now()};
	struct vg_buf cmd;
	int rc;

	vg_buf_init(&c.b4, 1u << 30);
	vg_buf_init(&c.b6, 1u << 30);
	vg_buf_init(&cmd, 1u << 30);
	if (vg_store_decisions(s, VG_DQ_ACTIVE, 0, c.now, add_elem, &c) < 0) {
		snprintf(n->err, sizeof(n->err), "%s", vg_store_error(s));
		rc = -1;
		goto out;
	}
	/* one transaction: both sets emptied and refilled */
	vg_buf_printf(&cmd, "flush set inet %s ban4\nflush set inet %s ban6\n",
		      n->table, n->table);
	if (c.n4)
		vg_buf_printf(&cmd, "add element inet %s ban4 { %s }\n", n->table,
			      vg_buf_cstr(&c.b4));
	if (c.n6)
		vg_buf_printf(&cmd, "add element inet %s ban6 { %s }\n", n->table,
			      vg_buf_cstr(&c.b6));
	rc = run(n, vg_buf_cstr(&cmd));
	*count = c.n4 + c.n6;
out:
	vg_buf_free(&c.b4);
	vg_buf_free(&c.b6);
	vg_buf_free(&cmd);
	return rc;
}
