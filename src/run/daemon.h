/* vigie run: the program an organisation leaves running. One libuv loop
 * follows the sources (files with inotify, syslog on UDP and TCP,
 * journald, standard input) and hands batches of lines through a bounded
 * queue to the detection worker, which decodes them, runs the Sigma
 * rules, writes alerts, incidents and decisions to the store together
 * with the positions they were read at, and enforces the decisions.
 * /metrics (Prometheus) and the CrowdSec decision stream are served on
 * their own threads. */
#ifndef VG_DAEMON_H
#define VG_DAEMON_H
#include <stdbool.h>

#include "config.h"

/* Runs until SIGINT or SIGTERM (or the end of standard input when that
 * is the only source). quiet: no line per alert on standard output.
 * Returns the process exit code: 0, or 1 with the reason on stderr. */
int vg_daemon_run(const struct vg_config *c, bool quiet);

#endif
