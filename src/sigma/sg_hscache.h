/* The prefilter's Vectorscan databases, compiled once and kept on disk
 * (see sg_hscache.c). */
#ifndef VG_SG_HSCACHE_H
#define VG_SG_HSCACHE_H

#include <hs/hs.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One database to make: literals as for hs_compile_lit_multi; cnt 0
 * makes none (NULL). */
struct sg_hsjob {
	const char **ex;
	unsigned *fl, *ids;
	size_t *lens;
	unsigned cnt;
};

enum sg_hs_from { SG_HS_COMPILED, SG_HS_CACHE, SG_HS_SAVED };

/* out[i] for jobs[i], from the cache directory dir (NULL: none) if the
 * same literals were compiled before by the same Vectorscan on the same
 * kind of CPU; compiled (and saved there) otherwise. *from says which. 0, or -1 with err when a database
 * does not compile. */
int sg_hs_build(const struct sg_hsjob *jobs, uint32_t n, const char *dir,
		hs_database_t **out, enum sg_hs_from *from, char *err,
		size_t errlen);

/* The user's cache directory ("" when there is none). */
const char *sg_hs_cache_dir(void);

#endif
