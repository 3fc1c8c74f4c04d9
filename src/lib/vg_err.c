/* One table of messages for the VG_E_* codes. */
#include "vg_err.h"

static const char *const msgs[] = {
	[0] = "success",
	[1] = "out of memory",
	[2] = "input/output error",
	[3] = "syntax error",
	[4] = "too big: a hard limit was reached",
	[5] = "value out of range",
	[6] = "not found",
	[7] = "invalid argument",
	[8] = "end of input",
	[9] = "not supported",
};

const char *vg_strerror(int err)
{
	unsigned i = err < 0 ? (unsigned)-err : (unsigned)err;

	if (i >= sizeof(msgs) / sizeof(msgs[0]))
		return "unknown error";
	return msgs[i];
}
