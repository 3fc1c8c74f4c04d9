/* vigie run: the configuration check (-n). The watch loop itself (file
 * follow, syslog, journald, incidents, blocking) is not built yet; until
 * it is, run without -n says so rather than pretending. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../run/config.h"
#include "cmds.h"

static const char usage[] =
	"usage: vigie run -n [-c FILE]\n"
	"Checks the configuration FILE (default: the built-in defaults, or\n"
	"/etc/vigie/vigie.yaml when it exists) and prints 'configuration OK'\n"
	"or each error as FILE:LINE: message. Exit code 0 when valid, 1 when\n"
	"not. The documented example is etc/vigie.yaml.\n\n"
	"  -c, --config FILE  the configuration file\n"
	"  -n, --check        check it and stop\n";

int cmd_run(int argc, char **argv)
{
	const char *file = NULL;
	bool check = false;
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
	if (!check) {
		fprintf(stderr, "vigie run: the watch loop is not in this "
				"version yet; 'vigie run -n' checks a "
				"configuration, 'vigie scan -r' runs rules\n");
		return VG_EXIT_USAGE;
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
