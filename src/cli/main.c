/* vigie's command line: one table of subcommands. */
#include <stdio.h>
#include <string.h>

#include "cmds.h"

#ifndef VIGIE_VERSION
#define VIGIE_VERSION "0.0.0"
#endif

static int cmd_help(int argc, char **argv);

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("vigie %s\n", VIGIE_VERSION);
	return VG_EXIT_OK;
}

static const struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} cmds[] = {
	{"scan", cmd_scan, "read logs and print what they hold"},
	{"decode", cmd_decode, "print logs as events, one JSON object a line"},
	{"explain", cmd_explain, "show which decoder takes a line, its fields, and the rules it matches"},
	{"rules", cmd_rules, "check Sigma rules: what loads, what is refused and why"},
	{"run", cmd_run, "follow the logs, keep incidents, block attackers (-n: check the configuration)"},
	{"status", cmd_status, "is vigie run running, how far it has read, what the store holds"},
	{"incidents", cmd_incidents, "list, show and update the incidents in the store"},
	{"alerts", cmd_alerts, "list the last alerts in the store"},
	{"decisions", cmd_decisions, "list, add and delete bans"},
	{"bouncers", cmd_bouncers, "add a CrowdSec bouncer and print its key"},
	{"lapi", cmd_lapi, "serve the decision stream to CrowdSec bouncers"},
	{"nft", cmd_nft, "make vigie's nftables table hold the active bans"},
	{"version", cmd_version, "print the version"},
	{"help", cmd_help, "this text; 'vigie COMMAND --help' for a command"},
};

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("usage: vigie COMMAND [OPTIONS] [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		printf("  %-9s %s\n", cmds[i].name, cmds[i].summary);
	printf("\nexit codes: 0 success; 1 an input could not be read (the "
	       "others were),\nor explain's line was not decoded; 2 bad "
	       "command line; 3 output could not be written.\n");
	return VG_EXIT_OK;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		cmd_help(argc, argv);
		return VG_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return cmd_help(argc, argv);
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(argc, argv);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "vigie: unknown command '%s' (see 'vigie help')\n",
		argv[1]);
	return VG_EXIT_USAGE;
}
