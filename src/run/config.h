/* vigie's configuration: one YAML file, every key checked, every error
 * reported with its file and line; defaults that work with no file. */
#ifndef VG_CONFIG_H
#define VG_CONFIG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../decode/decode.h"
#include "../lib/cidr.h"
#include "../lib/vtime.h"

enum vg_src_kind { VG_SRC_FILE, VG_SRC_JOURNALD, VG_SRC_SYSLOG, VG_SRC_STDIN };

struct vg_src_cfg {
	enum vg_src_kind kind;
	char *path;   /* file: a path or a glob; journald: a directory of
		       * journal files, NULL for this machine's journal */
	char *listen; /* syslog: "udp://host:port" or "tcp://host:port" */
	enum vg_format format;
	bool from_start; /* file: a file there at the first start is read
			  * from its start (default: its end) */
};

enum vg_resp_mode { VG_RESP_ENFORCE, VG_RESP_SIMULATE, VG_RESP_OFF };

struct vg_config {
	char *file; /* NULL: defaults only */
	char *state_dir;
	char **rules;
	size_t nrules;
	char *mapping, *placeholders;
	struct vg_src_cfg *src;
	size_t nsrc;
	uint32_t corr_max_groups, corr_max_events;
	int64_t incident_window; /* ns */
	struct {
		enum vg_resp_mode mode;
		int min_level;     /* enum vg_level */
		int64_t ban;       /* ns */
		int64_t *escalate; /* next durations for repeat offenders */
		size_t nescalate;
		bool nftables;
		char *nft_table;
		char *lapi_listen; /* CrowdSec decision stream, or NULL */
		char *blocklist;   /* file rewritten atomically, or NULL */
		char *exec;        /* hook fed JSON on stdin, or NULL */
	} response;
	struct vg_cidr *allow;
	size_t nallow;
	char *api_listen;
	struct {
		char *name, *sector, *region, *siret, *email, *phone, *nis2;
	} org;
};

/* Fills c with the defaults. */
void vg_config_defaults(struct vg_config *c);

/* Reads path over the defaults. Every error is appended to errs as a line
 * "path:line: message". Returns the number of errors (0: valid). */
int vg_config_load(struct vg_config *c, const char *path, char **errs);

void vg_config_free(struct vg_config *c);

/* "host:port", "[v6]:port", optionally "udp://" or "tcp://" first. */
bool vg_listen_valid(const char *s);

#endif
