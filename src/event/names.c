/* Registration of the static names (see names.h). */
#include "names.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/intern.h"

static const char *const strs[VG_N__STATIC] = {
	[VG_N_NONE] = "",
#define VG_NAME_STR(e, s) [VG_N_##e] = s,
	VG_NAMES(VG_NAME_STR)
#undef VG_NAME_STR
};

static uint32_t lens[VG_N__STATIC];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init(void)
{
	for (unsigned i = 1; i < VG_N__STATIC; i++) {
		lens[i] = (uint32_t)strlen(strs[i]);
		if (vg_intern(strs[i], lens[i]) != i) {
			fprintf(stderr, "vigie: name table out of order at %s\n",
				strs[i]);
			abort();
		}
	}
}

void vg_names_init(void)
{
	pthread_once(&once, init);
}

const char *vg_name_str(enum vg_name n)
{
	return (unsigned)n < VG_N__STATIC ? strs[n] : "";
}

uint32_t vg_name_len(enum vg_name n)
{
	return (unsigned)n < VG_N__STATIC ? lens[n] : 0;
}
