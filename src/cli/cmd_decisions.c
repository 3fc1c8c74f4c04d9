/* vigie decisions list|add|delete, vigie bouncers add, and vigie lapi
 * (the decision stream that CrowdSec bouncers pull, served from the
 * store until stopped). */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/buf.h"
#include "../lib/escape.h"
#include "../lib/vtime.h"
#include "../respond/lapi.h"
#include "../respond/nft.h"
#include "../respond/respond.h"
#include "../run/config.h"
#include "../store/store.h"
#include "cmds.h"

static const char usage[] =
	"usage: vigie decisions list [--all] [--state DIR]\n"
	"       vigie decisions add ADDRESS|NETWORK [--duration 4h]\n"
	"                 [--reason TEXT] [--simulate] [--state DIR]\n"
	"       vigie decisions delete ID|ADDRESS [--state DIR]\n"
	"       vigie bouncers add NAME [--state DIR]\n"
	"       vigie lapi [--listen 127.0.0.1:8641] [--state DIR]\n"
	"Decisions ban an address or a network for a while; a repeat offender\n"
	"gets 4x the previous duration (up to 30d) unless --duration is given.\n"
	"Loopback and this host's own addresses are never banned. 'bouncers\n"
	"add' prints the key a CrowdSec bouncer uses (X-Api-Key); 'lapi'\n"
	"serves the decision stream to them. Default DIR: /var/lib/vigie.\n";

static int list_row(const struct vg_decision *d, void *arg)
{
	struct vg_buf *o = arg;
	char until[48], left[48];
	int64_t now = vg_store_now();

	vg_time_fmt(until, d->until);
	if (d->deleted)
		snprintf(left, sizeof(left), "deleted");
	else if (d->until <= now)
		snprintf(left, sizeof(left), "expired");
	else
		vg_go_duration(d->until - now, left, sizeof(left));
	vg_buf_printf(o, "%6lld  %-5s  %-39s %-12s %-9s %s", (long long)d->id,
		      d->scope, d->value, left, d->origin,
		      d->simulated ? "(simulated) " : "");
	vg_esc_term(o, d->scenario, strlen(d->scenario));
	vg_buf_putc(o, '\n');
	return 0;
}

static volatile sig_atomic_t stop;
static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int cmd_decisions(int argc, char **argv)
{
	const char *dir = "/var/lib/vigie", *verb = argc > 1 ? argv[1] : "";
	const char *target = NULL, *reason = NULL, *dur = NULL;
	bool all = false, simulate = false;
	char err[512];
	int rc = VG_EXIT_OK;

	if (strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0) {
		printf("%s", usage);
		return VG_EXIT_OK;
	}
	if (strcmp(verb, "list") && strcmp(verb, "add") && strcmp(verb, "delete")) {
		fprintf(stderr, "%s", usage);
		return VG_EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--state") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "--duration") == 0 && i + 1 < argc)
			dur = argv[++i];
		else if (strcmp(argv[i], "--reason") == 0 && i + 1 < argc)
			reason = argv[++i];
		else if (strcmp(argv[i], "--all") == 0)
			all = true;
		else if (strcmp(argv[i], "--simulate") == 0)
			simulate = true;
		else if (target == NULL && argv[i][0] != '-')
			target = argv[i];
		else {
			fprintf(stderr, "vigie decisions: unexpected '%s'\n%s",
				argv[i], usage);
			return VG_EXIT_USAGE;
		}
	}
	if (strcmp(verb, "list") != 0 && target == NULL) {
		fprintf(stderr, "vigie decisions %s: which address?\n", verb);
		return VG_EXIT_USAGE;
	}
	struct vg_store *s = vg_store_open(dir, strcmp(verb, "list") == 0, err,
					   sizeof(err));
	if (s == NULL) {
		fprintf(stderr, "vigie: %s\n", err);
		return VG_EXIT_INPUT;
	}
	int64_t now = vg_store_now();
	struct vg_buf o;
	vg_buf_init(&o, 64u << 20);
	if (strcmp(verb, "list") == 0) {
		vg_buf_puts(&o, "    id  scope  value                                   "
				"left         origin    scenario\n");
		if (vg_store_decisions(s, all ? VG_DQ_RECENT : VG_DQ_ACTIVE,
				       0, now, list_row, &o) < 0)
			rc = VG_EXIT_INPUT;
	} else if (strcmp(verb, "add") == 0) {
		struct vg_cidr c;
		int64_t d = dur ? vg_duration(dur) : (int64_t)4 * 3600 * 1000000000;
		if (vg_cidr_parse(target, &c) != 0 || d <= 0) {
			fprintf(stderr, "vigie decisions add: %s\n",
				d <= 0 ? "--duration like 30m, 4h, 7d"
				       : "an address or a network is expected");
			rc = VG_EXIT_USAGE;
		} else if (vg_addr_protected(&c)) {
			fprintf(stderr, "vigie decisions add: %s is loopback or "
					"this host's own address; never banned\n",
				target);
			rc = VG_EXIT_USAGE;
		} else {
			bool range = strchr(target, '/') != NULL &&
				     c.bits != (c.fam == 4 ? 32 : 128);
			int prev = vg_store_count_decisions(s, target);
			if (dur == NULL)
				for (int k = 0; k < prev && d < (int64_t)30 * 86400 *
								 1000000000; k++)
					d *= 4;
			if (d > (int64_t)30 * 86400 * 1000000000)
				d = (int64_t)30 * 86400 * 1000000000;
			struct vg_decision x = {
				.created = now, .until = now + d,
				.scope = range ? "range" : "ip", .value = target,
				.origin = "cscli", .reason = reason,
				.type = "ban", .scenario = "manual",
				.simulated = simulate};
			char left[48];
			vg_go_duration(d, left, sizeof(left));
			if (vg_store_begin(s) != 0 ||
			    vg_store_add_decision(s, &x) < 0 ||
			    vg_store_audit(s, "cli", "decision.add", target,
					   left) != 0 ||
			    vg_store_commit(s) != 0) {
				fprintf(stderr, "vigie: %s\n", vg_store_error(s));
				rc = VG_EXIT_INPUT;
			} else {
				vg_buf_printf(&o, "%s banned for %s%s\n", target,
					      left,
					      simulate ? " (simulated)" : "");
			}
		}
	} else {
		char *end;
		long long id = strtoll(target, &end, 10);
		if (*end != '\0')
			id = 0;
		int n = vg_store_begin(s) == 0
				? vg_store_delete_decisions(s, id, target, now)
				: -1;
		if (n >= 0 && vg_store_audit(s, "cli", "decision.delete",
					     target, NULL) == 0 &&
		    vg_store_commit(s) == 0) {
			vg_buf_printf(&o, "%d decision%s ended\n", n,
				      n == 1 ? "" : "s");
			if (n == 0)
				rc = VG_EXIT_INPUT;
		} else {
			fprintf(stderr, "vigie: %s\n", vg_store_error(s));
			rc = VG_EXIT_INPUT;
		}
	}
	if (vg_buf_flush(&o, 1) != 0)
		rc = VG_EXIT_OUTPUT;
	vg_buf_free(&o);
	vg_store_close(s);
	return rc;
}

int cmd_bouncers(int argc, char **argv)
{
	const char *dir = "/var/lib/vigie", *name = NULL;
	char err[512], key[65], hash[129];

	if (argc < 2 || strcmp(argv[1], "add") != 0) {
		fprintf(stderr, "%s", usage);
		return argc > 1 && (!strcmp(argv[1], "--help") ||
				    !strcmp(argv[1], "-h"))
			       ? VG_EXIT_OK
			       : VG_EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--state") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (name == NULL && argv[i][0] != '-')
			name = argv[i];
		else {
			fprintf(stderr, "vigie bouncers: unexpected '%s'\n",
				argv[i]);
			return VG_EXIT_USAGE;
		}
	}
	if (name == NULL) {
		fprintf(stderr, "vigie bouncers add: a NAME is needed\n");
		return VG_EXIT_USAGE;
	}
	struct vg_store *s = vg_store_open(dir, false, err, sizeof(err));
	if (s == NULL) {
		fprintf(stderr, "vigie: %s\n", err);
		return VG_EXIT_INPUT;
	}
	if (vg_lapi_new_key(key) != 0) {
		fprintf(stderr, "vigie: no randomness for a key\n");
		vg_store_close(s);
		return VG_EXIT_INPUT;
	}
	vg_lapi_hash(key, hash);
	if (vg_store_add_bouncer(s, name, hash) < 0 ||
	    vg_store_audit(s, "cli", "bouncer.add", name, NULL) != 0) {
		fprintf(stderr, "vigie: %s\n", vg_store_error(s));
		vg_store_close(s);
		return VG_EXIT_INPUT;
	}
	vg_store_close(s);
	printf("%s\n", key);
	return VG_EXIT_OK;
}

int cmd_lapi(int argc, char **argv)
{
	const char *dir = "/var/lib/vigie", *listen = "127.0.0.1:8641";
	char err[512];

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--state") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc)
			listen = argv[++i];
		else if (strcmp(argv[i], "--help") == 0) {
			printf("%s", usage);
			return VG_EXIT_OK;
		} else {
			fprintf(stderr, "vigie lapi: unexpected '%s'\n", argv[i]);
			return VG_EXIT_USAGE;
		}
	}
	struct vg_lapi *l = vg_lapi_start(listen, dir, err, sizeof(err));
	if (l == NULL) {
		fprintf(stderr, "vigie lapi: %s\n", err);
		return VG_EXIT_INPUT;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	fprintf(stderr, "vigie lapi: serving decisions on %s\n", listen);
	while (!stop)
		pause();
	vg_lapi_stop(l);
	return VG_EXIT_OK;
}

/* vigie nft sync: vigie's nftables table made to hold exactly the active
 * decisions (created if missing; no other table is touched). */
int cmd_nft(int argc, char **argv)
{
	const char *dir = "/var/lib/vigie", *table = "vigie";
	char err[512];
	int count = 0, rc = VG_EXIT_OK;

	if (argc < 2 || strcmp(argv[1], "sync") != 0) {
		fprintf(stderr, "usage: vigie nft sync [--table NAME] "
				"[--state DIR]\n");
		return argc > 1 && !strcmp(argv[1], "--help") ? VG_EXIT_OK
							       : VG_EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--state") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "--table") == 0 && i + 1 < argc)
			table = argv[++i];
		else {
			fprintf(stderr, "vigie nft: unexpected '%s'\n", argv[i]);
			return VG_EXIT_USAGE;
		}
	}
	struct vg_store *s = vg_store_open(dir, true, err, sizeof(err));
	if (s == NULL) {
		fprintf(stderr, "vigie: %s\n", err);
		return VG_EXIT_INPUT;
	}
	struct vg_nft *n = vg_nft_open(table, err, sizeof(err));
	if (n == NULL) {
		fprintf(stderr, "vigie: %s\n", err);
		vg_store_close(s);
		return VG_EXIT_USAGE;
	}
	if (vg_nft_setup(n) != 0 || vg_nft_sync(n, s, &count) != 0) {
		fprintf(stderr, "vigie: %s\n", vg_nft_error(n));
		rc = VG_EXIT_INPUT;
	} else {
		printf("table inet %s: %d ban%s\n", table, count,
		       count == 1 ? "" : "s");
	}
	vg_nft_close(n);
	vg_store_close(s);
	return rc;
}
