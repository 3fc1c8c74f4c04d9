/* vigie error codes: functions return 0 or a negative VG_E_* value. */
#ifndef VG_ERR_H
#define VG_ERR_H

enum {
	VG_OK = 0,
	VG_E_NOMEM = -1,    /* allocation failed */
	VG_E_IO = -2,       /* read or write failed; errno says why */
	VG_E_SYNTAX = -3,   /* input does not have the expected form */
	VG_E_TOOBIG = -4,   /* a hard bound was hit */
	VG_E_RANGE = -5,    /* a value is out of its range */
	VG_E_NOTFOUND = -6, /* no such thing */
	VG_E_INVAL = -7,    /* bad argument from the caller */
	VG_E_EOF = -8,      /* end of input */
	VG_E_UNSUPP = -9,   /* known but not supported */
};

/* Returns a static English sentence for a VG_E_* code (never NULL). */
const char *vg_strerror(int err);

#endif
