/* The subcommands of vigie; main.c dispatches from one table. Each takes
 * argc/argv starting at the command's name and returns the exit code. */
#ifndef VG_CLI_CMDS_H
#define VG_CLI_CMDS_H

int cmd_decode(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_incidents(int argc, char **argv);
int cmd_alerts(int argc, char **argv);
int cmd_decisions(int argc, char **argv);
int cmd_bouncers(int argc, char **argv);
int cmd_lapi(int argc, char **argv);
int cmd_nft(int argc, char **argv);

/* Exit codes, the same for every command. */
enum {
	VG_EXIT_OK = 0,
	VG_EXIT_INPUT = 1, /* some input could not be read (or, for explain,
			    * the line was not decoded) */
	VG_EXIT_USAGE = 2, /* bad command line */
	VG_EXIT_OUTPUT = 3, /* output could not be written */
};

#endif
