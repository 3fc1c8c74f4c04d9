/* Timestamps: parsing the forms found in logs into UTC nanoseconds, and
 * printing them as RFC 3339. Local times (RFC 3164, nginx and Apache
 * error logs, ISO 8601 without offset) are read in the process's zone
 * (the TZ variable, else the machine's), through a small cache so that
 * the zone database is consulted about once an hour of log time. */
#ifndef VG_VTIME_H
#define VG_VTIME_H
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#define VG_TS_NONE INT64_MIN
#define VG_NS 1000000000LL

/* Days since 1970-01-01 of a proleptic Gregorian date (m 1-12). */
int64_t vg_days_from_civil(int64_t y, unsigned m, unsigned d);
void vg_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);
int vg_is_leap(int64_t y);
unsigned vg_days_in_month(int64_t y, unsigned m);

#define VG_TZ_CACHE 64

/* Per-reader time context: zone cache and the reference instant used to
 * infer the year of RFC 3164 stamps. Not shared between threads. */
struct vg_timectx {
	int64_t ref;      /* UTC seconds: a stamp is never later than this
			   * plus one day (file mtime, or now for streams) */
	int64_t ref_local; /* ref as local wall-clock seconds */
	int64_t ref_year;  /* its local year */
	struct {
		int64_t hour; /* local hour number, or INT64_MIN if empty */
		int32_t off;  /* seconds east of UTC */
	} cache[VG_TZ_CACHE];
	/* the last plain RFC 3164 stamp read ("Mmm dd hh:mm:ss"), and its
	 * instant: a log has many lines a second */
	char last3164[15];
	int64_t last3164_ts; /* VG_TS_NONE (INT64_MIN) when none */
	int last3164_s;      /* its seconds */
	bool last3164_min;   /* another second of its minute is that instant
			      * plus the difference (same year chosen) */
};

/* Sets up ctx with reference instant ref (UTC seconds). */
void vg_timectx_init(struct vg_timectx *tc, int64_t ref);

/* UTC offset, in seconds east, in force at UTC instant t. */
int32_t vg_tz_offset_at(int64_t t);

/* Converts local wall-clock seconds (as if UTC) to UTC seconds. A time
 * skipped by a DST change is taken with the offset before the change; a
 * repeated one is the first (daylight) occurrence. */
int64_t vg_local_to_utc(struct vg_timectx *tc, int64_t local);

/* Each parser reads a stamp at the start of p[0..n), stores UTC
 * nanoseconds in *ts and returns the number of bytes consumed, or 0 when
 * the text is not such a stamp (nothing is stored then). */

/* "Mmm dd hh:mm:ss", "Mmm  d hh:mm:ss", optional ".frac" and optional
 * " yyyy" after the time or after the day; the year, when absent, is the
 * latest one that puts the stamp no later than tc->ref plus one day
 * (Feb 29 goes back to the last leap year). */
size_t vg_time_rfc3164(struct vg_timectx *tc, const char *p, size_t n,
		       int64_t *ts);
/* "YYYY-MM-DD[T ]hh:mm:ss[.frac][Z|+hh:mm|+hhmm|+hh]", local without
 * offset. */
size_t vg_time_iso8601(struct vg_timectx *tc, const char *p, size_t n,
		       int64_t *ts);
/* Common Log Format "dd/Mmm/yyyy:hh:mm:ss +hhmm". */
size_t vg_time_clf(const char *p, size_t n, int64_t *ts);
/* nginx error log "yyyy/mm/dd hh:mm:ss", local. */
size_t vg_time_slashed(struct vg_timectx *tc, const char *p, size_t n,
		       int64_t *ts);
/* Apache error log "Www Mmm dd hh:mm:ss[.frac] yyyy", local. */
size_t vg_time_ctime(struct vg_timectx *tc, const char *p, size_t n,
		     int64_t *ts);

/* Month from its English three-letter abbreviation, any case: 1-12, or 0. */
unsigned vg_month_abbr(const char *p);

/* Writes ns as "YYYY-MM-DDThh:mm:ss[.fff[fff[fff]]]Z" into out (at least
 * 40 bytes) and returns its length. */
size_t vg_time_fmt(char *out, int64_t ns);

/* "30s", "5m", "4h", "7d", "1w" → ns; -1 if not one. */
int64_t vg_duration(const char *s);

#endif
