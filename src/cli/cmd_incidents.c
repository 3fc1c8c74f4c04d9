/* vigie incidents list|show|set and vigie alerts list: reading (and for
 * set, changing with an audit line) the store while vigie runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/buf.h"
#include "../lib/escape.h"
#include "../lib/vtime.h"
#include "../sigma/sigma.h"
#include "../store/store.h"
#include "cmds.h"

static const char usage[] =
	"usage: vigie incidents list [--state DIR]\n"
	"       vigie incidents show ID [--state DIR]\n"
	"       vigie incidents set ID status=S|tlp=T|t0=TIME|note=TEXT ...\n"
	"                 [--state DIR]\n"
	"       vigie alerts list [-n N] [--state DIR]\n"
	"Reads the store in DIR (default /var/lib/vigie). Statuses: new,\n"
	"triage, containment, eradication, recovery, post-incident, closed,\n"
	"rejected, duplicate, false-positive. TLP: TLP:RED, TLP:AMBER+STRICT,\n"
	"TLP:AMBER, TLP:GREEN, TLP:CLEAR. t0 is the time the organisation\n"
	"became aware of the incident, from which the legal deadlines run\n"
	"('now' or 2026-11-23T08:30:00Z; by default the first alert's).\n"
	"note= adds a note to the timeline. Every change is in the audit\n"
	"trail and the incident's timeline.\n";

static void ts(struct vg_buf *o, const char *ns)
{
	char t[48];
	vg_time_fmt(t, strtoll(ns, NULL, 10));
	vg_buf_puts(o, t);
}

static int list_one(const struct vg_incident *in, void *arg)
{
	struct vg_buf *o = arg;
	char t[48];

	vg_time_fmt(t, in->updated);
	vg_buf_printf(o, "%5lld  %-13s %-8s %-20.20s %5lld  ", (long long)in->id,
		      in->status, vg_level_name((enum vg_level)in->severity), t,
		      (long long)in->nalerts);
	vg_esc_term(o, in->title, strlen(in->title));
	vg_buf_putc(o, '\n');
	return 0;
}

static int show_one(const struct vg_incident *in, void *arg)
{
	struct vg_buf *o = arg;
	char a[48], b[48], c[48];

	vg_time_fmt(a, in->created);
	vg_time_fmt(b, in->t0);
	vg_time_fmt(c, in->updated);
	vg_buf_printf(o, "incident  %lld\ntitle     ", (long long)in->id);
	vg_esc_term(o, in->title, strlen(in->title));
	vg_buf_printf(o, "\nstatus    %s\nseverity  %s\nrsit      %s/%s\n"
			 "tlp       %s\ncreated   %s\nt0        %s (awareness)\n"
			 "last      %s\nalerts    %lld\n",
		      in->status, vg_level_name((enum vg_level)in->severity),
		      in->rsit_class, in->rsit_type, in->tlp, a, b, c,
		      (long long)in->nalerts);
	return 0;
}

static int obs_row(int nc, const char *const *col, void *arg)
{
	struct vg_buf *o = arg;
	(void)nc;
	vg_buf_printf(o, "  %-6s ", col[0]);
	vg_esc_term(o, col[1], strlen(col[1]));
	vg_buf_putc(o, '\n');
	return 0;
}

static int tl_row(int nc, const char *const *col, void *arg)
{
	struct vg_buf *o = arg;
	(void)nc;
	vg_buf_puts(o, "  ");
	ts(o, col[0]);
	vg_buf_printf(o, "  %-7s ", col[1]);
	vg_esc_term(o, col[2], strlen(col[2]));
	vg_buf_putc(o, '\n');
	return 0;
}

static int alert_row(int nc, const char *const *col, void *arg)
{
	struct vg_buf *o = arg;
	(void)nc;
	ts(o, col[0]);
	vg_buf_printf(o, "  %-8s ",
		      vg_level_name((enum vg_level)strtol(col[1], NULL, 10)));
	vg_esc_term(o, col[2], strlen(col[2]));
	vg_buf_puts(o, "\n    ");
	if (col[5][0]) {
		vg_buf_puts(o, "ip=");
		vg_esc_term(o, col[5], strlen(col[5]));
		vg_buf_puts(o, "  ");
	}
	if (col[6][0]) {
		vg_buf_puts(o, "user=");
		vg_esc_term(o, col[6], strlen(col[6]));
		vg_buf_puts(o, "  ");
	}
	vg_buf_puts(o, "@ ");
	vg_esc_term(o, col[3], strlen(col[3]));
	vg_buf_printf(o, ":%s", col[4]);
	if (col[8][0])
		vg_buf_printf(o, "  incident %s", col[8]);
	vg_buf_putc(o, '\n');
	return 0;
}

static int incidents_or_alerts(int argc, char **argv, bool alerts)
{
	const char *dir = "/var/lib/vigie", *verb = argc > 1 ? argv[1] : "";
	int64_t id = 0;
	int limit = 50, rc = VG_EXIT_OK;
	char err[512];
	char *sets[16];
	int nsets = 0;

	if (strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0) {
		printf("%s", usage);
		return VG_EXIT_OK;
	}
	if (alerts ? strcmp(verb, "list") != 0
		   : (strcmp(verb, "list") && strcmp(verb, "show") &&
		      strcmp(verb, "set"))) {
		fprintf(stderr, "%s", usage);
		return VG_EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++) {
		char *end;
		if (strcmp(argv[i], "--state") == 0 && i + 1 < argc) {
			dir = argv[++i];
		} else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
			long v = strtol(argv[++i], &end, 10);
			if (*end || v < 1 || v > 1000000) {
				fprintf(stderr, "vigie: -n wants a count from 1 "
						"to 1000000\n");
				return VG_EXIT_USAGE;
			}
			limit = (int)v;
		} else if (!alerts && id == 0 &&
			   (id = strtoll(argv[i], &end, 10)) > 0 && *end == '\0') {
			continue;
		} else if (!alerts && strchr(argv[i], '=') && nsets < 16) {
			sets[nsets++] = argv[i];
		} else {
			fprintf(stderr, "vigie: unexpected '%s'\n%s", argv[i],
				usage);
			return VG_EXIT_USAGE;
		}
	}
	if (!alerts && strcmp(verb, "list") != 0 && id <= 0) {
		fprintf(stderr, "vigie incidents %s: which incident (ID)?\n",
			verb);
		return VG_EXIT_USAGE;
	}
	if (!alerts && strcmp(verb, "set") == 0 && nsets == 0) {
		fprintf(stderr, "vigie incidents set: status=…, tlp=…, t0=… or "
				"note=…\n");
		return VG_EXIT_USAGE;
	}
	bool rw = !alerts && strcmp(verb, "set") == 0;
	struct vg_store *s = vg_store_open(dir, !rw, err, sizeof(err));
	if (s == NULL) {
		fprintf(stderr, "vigie: %s\n", err);
		return VG_EXIT_INPUT;
	}
	struct vg_buf o;
	vg_buf_init(&o, 256u << 20);
	if (alerts) {
		if (vg_store_rows(s, "alerts", 0, limit, alert_row, &o) < 0)
			rc = VG_EXIT_INPUT;
	} else if (strcmp(verb, "list") == 0) {
		vg_buf_puts(&o, "   id  status        severity last"
				"                 alerts  title\n");
		if (vg_store_incidents(s, 0, list_one, &o) < 0)
			rc = VG_EXIT_INPUT;
	} else if (strcmp(verb, "show") == 0) {
		int n = vg_store_incidents(s, id, show_one, &o);
		if (n == 0) {
			fprintf(stderr, "vigie: no incident %lld\n",
				(long long)id);
			rc = VG_EXIT_INPUT;
		} else {
			vg_buf_puts(&o, "observables\n");
			vg_store_rows(s, "observables", id, 1000, obs_row, &o);
			vg_buf_puts(&o, "timeline\n");
			vg_store_rows(s, "timeline", id, 10000, tl_row, &o);
			vg_buf_puts(&o, "alerts\n");
			vg_store_rows(s, "alerts", id, limit, alert_row, &o);
		}
	} else {
		const char *actor = getenv("SUDO_USER") ? getenv("SUDO_USER")
			: getenv("USER") ? getenv("USER") : "cli";
		char who[128];
		snprintf(who, sizeof(who), "cli:%s", actor);
		for (int i = 0; i < nsets && rc == VG_EXIT_OK; i++) {
			char *eq = strchr(sets[i], '=');
			*eq = '\0';
			int r = vg_store_set_incident(s, id, sets[i], eq + 1, who);
			if (r == 1) {
				fprintf(stderr, "vigie: no incident %lld\n",
					(long long)id);
				rc = VG_EXIT_INPUT;
			} else if (r < 0) {
				fprintf(stderr, "vigie: %s\n", vg_store_error(s));
				rc = VG_EXIT_USAGE;
			} else {
				vg_buf_printf(&o, "incident %lld: %s=%s\n",
					      (long long)id, sets[i], eq + 1);
			}
		}
	}
	if (vg_buf_flush(&o, 1) != 0)
		rc = VG_EXIT_OUTPUT;
	vg_buf_free(&o);
	vg_store_close(s);
	return rc;
}

int cmd_incidents(int argc, char **argv)
{
	return incidents_or_alerts(argc, argv, false);
}

int cmd_alerts(int argc, char **argv)
{
	return incidents_or_alerts(argc, argv, true);
}
