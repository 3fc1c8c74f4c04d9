/* Options that name Sigma rules, shared by the commands that run them. */
#ifndef VG_CLI_RULES_H
#define VG_CLI_RULES_H
#include <stddef.h>

#include "../sigma/sigma.h"

struct vg_rules_opts {
	char **paths;
	size_t n;
	const char *mapping, *placeholders;
};

/* Parses -r/--rules, --mapping, --placeholders at argv[*i]. Returns 1 if
 * it was one (advancing *i past its value), 0 if not, -1 on an error. */
int vg_rules_opt(int argc, char **argv, int *i, struct vg_rules_opts *ro);

/* Loads and compiles the rules; prints the error and returns NULL when a
 * path or the mapping cannot be used. Refused rules are not errors. */
struct vg_ruleset *vg_rules_open(const struct vg_rules_opts *ro);
void vg_rules_opts_free(struct vg_rules_opts *ro);

/* The class of a refusal reason (the words before its details). */
size_t vg_refusal_class(const char *reason, char *out, size_t n);

extern const char vg_rules_opts_help[];

#endif
