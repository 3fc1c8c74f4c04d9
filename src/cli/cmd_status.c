/* vigie status: is the daemon running, how far it has read each source,
 * and what the store holds. Reads the store, never writes it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "../lib/buf.h"
#include "../lib/escape.h"
#include "../lib/vtime.h"
#include "../store/store.h"
#include "cmds.h"

static const char usage[] =
	"usage: vigie status [--state DIR]\n"
	"Says whether vigie run is running on the state directory DIR\n"
	"(default /var/lib/vigie), how far it has read each source, and what\n"
	"the store holds: alerts, open incidents, active bans, bouncers.\n";

static int pos_row(int nc, const char *const *c, void *arg)
{
	struct vg_buf *o = arg;
	char when[48];

	(void)nc;
	vg_time_fmt(when, strtoll(c[3], NULL, 10));
	vg_buf_puts(o, "  ");
	vg_esc_term(o, c[0], strlen(c[0]));
	vg_buf_printf(o, "  line %s, byte %s, at %s\n", c[1], c[2], when);
	return 0;
}

static int sum_row(int nc, const char *const *c, void *arg)
{
	struct vg_buf *o = arg;
	char last[48] = "never";

	(void)nc;
	if (strtoll(c[1], NULL, 10) != 0)
		vg_time_fmt(last, strtoll(c[1], NULL, 10));
	vg_buf_printf(o, "alerts      %s (last %s)\n", c[0], last);
	vg_buf_printf(o, "incidents   %s open, %s in all\n", c[2], c[3]);
	vg_buf_printf(o, "bans        %s active, %s simulated\n", c[4], c[5]);
	vg_buf_printf(o, "bouncers    %s\n", c[6]);
	return 0;
}

int cmd_status(int argc, char **argv)
{
	const char *dir = "/var/lib/vigie";
	char path[4200], pid[32] = "", err[512];
	int rc = VG_EXIT_OK;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--state") == 0 && i + 1 < argc) {
			dir = argv[++i];
		} else if (strcmp(argv[i], "--help") == 0 ||
			   strcmp(argv[i], "-h") == 0) {
			printf("%s", usage);
			return VG_EXIT_OK;
		} else {
			fprintf(stderr, "vigie status: unexpected '%s'\n%s",
				argv[i], usage);
			return VG_EXIT_USAGE;
		}
	}
	/* the daemon holds a lock on its pid file while it runs */
	snprintf(path, sizeof(path), "%s/vigie.pid", dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool running = false;
	if (fd >= 0) {
		running = flock(fd, LOCK_SH | LOCK_NB) != 0 &&
			  errno == EWOULDBLOCK;
		ssize_t n = read(fd, pid, sizeof(pid) - 1);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		close(fd);
	}
	struct vg_store *s = vg_store_open(dir, true, err, sizeof(err));
	if (s == NULL) {
		printf("vigie run   %s\n", running ? "running" : "not running");
		fprintf(stderr, "vigie status: %s\n", err);
		return VG_EXIT_INPUT;
	}
	struct vg_buf o;
	vg_buf_init(&o, 16u << 20);
	if (running)
		vg_buf_printf(&o, "vigie run   running (pid %s)\n", pid);
	else
		vg_buf_puts(&o, "vigie run   not running\n");
	vg_buf_puts(&o, "store       ");
	vg_esc_term(&o, dir, strlen(dir));
	vg_buf_printf(&o, "/vigie.db, schema %d\n", vg_store_version(s));
	if (vg_store_rows(s, "summary", vg_store_now(), 1, sum_row, &o) < 0)
		rc = VG_EXIT_INPUT;
	vg_buf_puts(&o, "sources\n");
	int n = vg_store_rows(s, "positions", 0, 10000, pos_row, &o);
	if (n == 0)
		vg_buf_puts(&o, "  none read yet\n");
	if (n < 0)
		rc = VG_EXIT_INPUT;
	if (rc != VG_EXIT_OK)
		fprintf(stderr, "vigie status: %s\n", vg_store_error(s));
	if (vg_buf_flush(&o, 1) != 0)
		rc = VG_EXIT_OUTPUT;
	vg_buf_free(&o);
	vg_store_close(s);
	return rc;
}
