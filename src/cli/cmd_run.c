/* vigie run: the daemon (src/run/daemon.c), or with -n the check of its
 * configuration. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../run/config.h"
#include "../run/daemon.h"
#include "cmds.h"

static const char usage[] =
	"usage: vigie run [-c FILE] [-n] [-q]\n"
	"Follows the logs, runs the rules, keeps alerts, incidents and\n"
	"decisions in the store and blocks attackers, until SIGINT or\n"
	"SIGTERM. The configuration is FILE, else /etc/vigie/vigie.yaml when\n"
	"it exists, else the built-in defaults; the documented example is\n"
	"etc/vigie.yaml. With -n, checks the configuration and prints\n"
	"'configuration OK' or each error as FILE:LINE: message (exit code 0\n"
	"when valid, 1 when not).\n\n"
	"  -c, --config FILE  the configuration file\n"
	"  -n, --check        check it and stop\n"
	"  -q, --quiet        no line per alert on standard output\n";

int cmd_run(int argc, char **argv)
{
	const char *file = NULL;
	bool check = false, quiet = false;
	struct vg_config c;
	char *errs = NULL;
	int n = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("%s", usage);
			return VG_EXIT_OK;
		} else if (strcmp(argv[i], "-n") == 0 ||
			   strcmp(argv[i], "--check") == 0) {
			check = true;
		} else if (strcmp(argv[i], "-q") == 0 ||
			   strcmp(argv[i], "--quiet") == 0) {
			quiet = true;
		} else if ((strcmp(argv[i], "-c") == 0 ||
			    strcmp(argv[i], "--config") == 0) &&
			   i + 1 < argc) {
			file = argv[++i];
		} else {
			fprintf(stderr, "vigie run: unknown option '%s'\n%s",
				argv[i], usage);
			return VG_EXIT_USAGE;
		}
	}
	vg_config_defaults(&c);
	if (file == NULL) {
		FILE *f = fopen("/etc/vigie/vigie.yaml", "r");
		if (f != NULL) {
			fclose(f);
			file = "/etc/vigie/vigie.yaml";
		}
	}
	if (file != NULL)
		n = vg_config_load(&c, file, &errs);
	if (n == 0 && !check) {
		int rc = vg_daemon_run(&c, quiet);
		vg_config_free(&c);
		return rc == 0 ? VG_EXIT_OK : VG_EXIT_INPUT;
	}
	if (n == 0) {
		printf("configuration OK%s%s\n", file ? ": " : " (defaults)",
		       file ? file : "");
	} else {
		fputs(errs, stderr);
		fprintf(stderr, "%d error%s\n", n, n > 1 ? "s" : "");
	}
	free(errs);
	vg_config_free(&c);
	return n == 0 ? VG_EXIT_OK : VG_EXIT_INPUT;
}
