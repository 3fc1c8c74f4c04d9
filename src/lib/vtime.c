/* Time parsing and formatting (see vtime.h). Pure cursor code, no
 * strptime: it is locale-dependent and slow. */
#include <errno.h>
#include <stdlib.h>
#include "vtime.h"

#include <string.h>
#include <time.h>

int vg_is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned vg_days_in_month(int64_t y, unsigned m)
{
	static const unsigned char dm[12] = {31, 28, 31, 30, 31, 30,
					     31, 31, 30, 31, 30, 31};

	if (m == 2 && vg_is_leap(y))
		return 29;
	return m >= 1 && m <= 12 ? dm[m - 1] : 0;
}

/* The era-based day count of the proleptic Gregorian calendar. */
int64_t vg_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void vg_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

void vg_timectx_init(struct vg_timectx *tc, int64_t ref)
{
	int64_t y;
	unsigned m, d;

	tc->ref = ref;
	tc->ref_local = ref + vg_tz_offset_at(ref);
	vg_civil_from_days(tc->ref_local / 86400 - (tc->ref_local % 86400 < 0),
			   &y, &m, &d);
	tc->ref_year = y;
	for (size_t i = 0; i < VG_TZ_CACHE; i++)
		tc->cache[i].hour = INT64_MIN;
	tc->last3164_ts = INT64_MIN;
}

int32_t vg_tz_offset_at(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL)
		return 0;
	return (int32_t)tm.tm_gmtoff;
}

int64_t vg_local_to_utc(struct vg_timectx *tc, int64_t local)
{
	int64_t hour = local >= 0 ? local / 3600 : (local - 3599) / 3600;
	size_t slot = (size_t)((uint64_t)hour % VG_TZ_CACHE);
	int32_t o1, o2;

	if (tc->cache[slot].hour == hour)
		return local - tc->cache[slot].off;
	/* Two rounds settle the offset except inside a DST gap or overlap:
	 * try the offset in force a day earlier and a day later, and keep
	 * the first that maps back to the same wall clock. */
	o1 = vg_tz_offset_at(local - 86400);
	o2 = vg_tz_offset_at(local + 86400);
	int32_t off = o1;
	if (o1 != o2) {
		if (vg_tz_offset_at(local - o1) == o1)
			off = o1;
		else if (vg_tz_offset_at(local - o2) == o2)
			off = o2;
	} else if (vg_tz_offset_at(local - o1) != o1) {
		off = vg_tz_offset_at(local - o1);
	}
	tc->cache[slot].hour = hour;
	tc->cache[slot].off = off;
	return local - off;
}

static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";

unsigned vg_month_abbr(const char *p)
{
	char a = (char)(p[0] | 0x20), b = (char)(p[1] | 0x20),
	     c = (char)(p[2] | 0x20);

	for (unsigned i = 0; i < 12; i++)
		if (months[i * 3] == a && months[i * 3 + 1] == b &&
		    months[i * 3 + 2] == c)
			return i + 1;
	return 0;
}

static int isdig(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads exactly w digits. */
static int digits(const char *p, size_t w, int *v)
{
	int x = 0;

	for (size_t i = 0; i < w; i++) {
		if (!isdig(p[i]))
			return 0;
		x = x * 10 + (p[i] - '0');
	}
	*v = x;
	return 1;
}

/* Reads ".ddd…" (or ",ddd…") at p; returns bytes used and ns. */
static size_t fraction(const char *p, size_t n, int64_t *ns)
{
	size_t i = 1;
	int64_t v = 0, scale = VG_NS;

	*ns = 0;
	if (n < 2 || (p[0] != '.' && p[0] != ',') || !isdig(p[1]))
		return 0;
	while (i < n && isdig(p[i])) {
		if (scale > 1) {
			scale /= 10;
			v += (p[i] - '0') * scale;
		}
		i++;
	}
	*ns = v;
	return i;
}

/* "hh:mm:ss" at p with range checks (60 allowed for leap seconds). */
static int hms(const char *p, size_t n, int *h, int *mi, int *s)
{
	return n >= 8 && digits(p, 2, h) && p[2] == ':' &&
	       digits(p + 3, 2, mi) && p[5] == ':' && digits(p + 6, 2, s) &&
	       *h < 24 && *mi < 60 && *s <= 60;
}

static int64_t wall_days(int64_t days, int h, int mi, int s)
{
	return days * 86400 + h * 3600 + mi * 60 + s;
}

static int64_t wall(int64_t y, unsigned m, unsigned d, int h, int mi, int s)
{
	return wall_days(vg_days_from_civil(y, m, d), h, mi, s);
}

static int date_ok(int64_t y, unsigned m, unsigned d)
{
	return m >= 1 && m <= 12 && d >= 1 && d <= vg_days_in_month(y, m);
}

size_t vg_time_rfc3164(struct vg_timectx *tc, const char *p, size_t n,
		       int64_t *ts)
{
	unsigned mon, day;
	int h, mi, s, year = -1;
	size_t i;
	int64_t frac = 0;

	/* Against the stamp of the line before, when this one is plain:
	 * fifteen bytes, followed by neither a fraction nor a year. */
	if (tc->last3164_ts != INT64_MIN && n > 15 && p[15] == ' ' &&
	    !(n - 15 >= 5 && digits(p + 16, 4, &year) &&
	      (n - 15 == 5 || p[20] == ' '))) {
		/* the same stamp: the same instant */
		if (memcmp(p, tc->last3164, 15) == 0) {
			*ts = tc->last3164_ts;
			return 15;
		}
		/* another second of the same minute: local time within a
		 * minute moves with UTC (zone changes fall on whole
		 * minutes) */
		if (tc->last3164_min && memcmp(p, tc->last3164, 13) == 0 &&
		    digits(p + 13, 2, &s) && s <= 60) {
			*ts = tc->last3164_ts +
			      (int64_t)(s - tc->last3164_s) * VG_NS;
			memcpy(tc->last3164, p, 15);
			tc->last3164_ts = *ts;
			tc->last3164_s = s;
			return 15;
		}
	}
	year = -1;
	if (n < 14 || (mon = vg_month_abbr(p)) == 0 || p[3] != ' ')
		return 0;
	i = 4;
	if (p[i] == ' ')
		i++; /* "Jun  8" */
	if (!isdig(p[i]))
		return 0;
	day = (unsigned)(p[i++] - '0');
	if (i < n && isdig(p[i]))
		day = day * 10 + (unsigned)(p[i++] - '0');
	if (i >= n || p[i] != ' ')
		return 0;
	i++;
	if (n - i >= 5 && digits(p + i, 4, &year) && p[i + 4] == ' ')
		i += 5; /* "Feb 12 2024 14:10:21" */
	else
		year = -1;
	if (!hms(p + i, n - i, &h, &mi, &s))
		return 0;
	i += 8;
	i += fraction(p + i, n - i, &frac);
	if (year < 0 && n - i >= 5 && p[i] == ' ' &&
	    digits(p + i + 1, 4, &year) && (n - i == 5 || p[i + 5] == ' '))
		i += 5; /* "Feb 12 14:10:21 2024" */
	if (day < 1 || day > 31)
		return 0;
	bool same_year_all_minute = true;
	if (year < 0) {
		int64_t y = tc->ref_year, refl = tc->ref_local;

		if (mon == 2 && day == 29)
			while (!vg_is_leap(y))
				y--;
		if (!date_ok(y, mon, day))
			return 0;
		same_year_all_minute =
			(wall(y, mon, day, h, mi, 0) > refl + 86400) ==
			(wall(y, mon, day, h, mi, 60) > refl + 86400);
		if (wall(y, mon, day, h, mi, s) > refl + 86400) {
			y--;
			if (mon == 2 && day == 29)
				while (!vg_is_leap(y))
					y--;
		}
		year = (int)y;
	}
	if (!date_ok(year, mon, day))
		return 0;
	*ts = vg_local_to_utc(tc, wall(year, mon, day, h, mi, s)) * VG_NS + frac;
	if (i == 15 && n > 15 && p[15] == ' ') {
		memcpy(tc->last3164, p, 15);
		tc->last3164_ts = *ts;
		tc->last3164_s = s;
		tc->last3164_min = same_year_all_minute && frac == 0;
	}
	return i;
}

/* Reads a zone designator: Z, +hh:mm, +hhmm, +hh. Returns bytes used, or
 * 0 when there is none. */
static size_t zone(const char *p, size_t n, int *off)
{
	int hh, mm = 0;
	int sign;

	if (n >= 1 && (p[0] == 'Z' || p[0] == 'z')) {
		*off = 0;
		return 1;
	}
	if (n < 3 || (p[0] != '+' && p[0] != '-') || !digits(p + 1, 2, &hh))
		return 0;
	sign = p[0] == '-' ? -1 : 1;
	if (n >= 6 && p[3] == ':' && digits(p + 4, 2, &mm)) {
		if (hh > 23 || mm > 59)
			return 0;
		*off = sign * (hh * 3600 + mm * 60);
		return 6;
	}
	if (n >= 5 && digits(p + 3, 2, &mm)) {
		if (hh > 23 || mm > 59)
			return 0;
		*off = sign * (hh * 3600 + mm * 60);
		return 5;
	}
	if (hh > 23)
		return 0;
	*off = sign * hh * 3600;
	return 3;
}

size_t vg_time_iso8601(struct vg_timectx *tc, const char *p, size_t n,
		       int64_t *ts)
{
	int y, m, d, h, mi, s, off;
	int64_t frac = 0, w;
	size_t i, z;

	if (n < 19 || !digits(p, 4, &y) || p[4] != '-' ||
	    !digits(p + 5, 2, &m) || p[7] != '-' || !digits(p + 8, 2, &d) ||
	    (p[10] != 'T' && p[10] != 't' && p[10] != ' ') ||
	    !hms(p + 11, n - 11, &h, &mi, &s) ||
	    !date_ok(y, (unsigned)m, (unsigned)d))
		return 0;
	i = 19;
	i += fraction(p + i, n - i, &frac);
	w = wall(y, (unsigned)m, (unsigned)d, h, mi, s);
	z = zone(p + i, n - i, &off);
	if (z != 0) {
		*ts = (w - off) * VG_NS + frac;
		return i + z;
	}
	*ts = vg_local_to_utc(tc, w) * VG_NS + frac;
	return i;
}

/* The day of the last CLF date read by this thread ("10/Oct/2000", then
 * its day number): a log's lines mostly share it. */
static _Thread_local struct {
	char date[11];
	bool set;
	int64_t days;
} clf_last;

size_t vg_time_clf(const char *p, size_t n, int64_t *ts)
{
	int d, y, h, mi, s, off;
	unsigned m;
	int64_t frac = 0, days;
	size_t i, z;

	if (n < 26 || p[11] != ':' || !hms(p + 12, n - 12, &h, &mi, &s))
		return 0;
	if (clf_last.set && memcmp(p, clf_last.date, 11) == 0) {
		days = clf_last.days;
	} else {
		if (!digits(p, 2, &d) || p[2] != '/' ||
		    (m = vg_month_abbr(p + 3)) == 0 || p[6] != '/' ||
		    !digits(p + 7, 4, &y) || !date_ok(y, m, (unsigned)d))
			return 0;
		days = vg_days_from_civil(y, m, (unsigned)d);
		memcpy(clf_last.date, p, 11);
		clf_last.days = days;
		clf_last.set = true;
	}
	i = 20;
	i += fraction(p + i, n - i, &frac);
	if (i >= n || p[i] != ' ')
		return 0;
	z = zone(p + i + 1, n - i - 1, &off);
	if (z == 0)
		return 0;
	*ts = (wall_days(days, h, mi, s) - off) * VG_NS + frac;
	return i + 1 + z;
}

size_t vg_time_slashed(struct vg_timectx *tc, const char *p, size_t n,
		       int64_t *ts)
{
	int y, m, d, h, mi, s;

	if (n < 19 || !digits(p, 4, &y) || p[4] != '/' ||
	    !digits(p + 5, 2, &m) || p[7] != '/' || !digits(p + 8, 2, &d) ||
	    p[10] != ' ' || !hms(p + 11, n - 11, &h, &mi, &s) ||
	    !date_ok(y, (unsigned)m, (unsigned)d))
		return 0;
	*ts = vg_local_to_utc(tc, wall(y, (unsigned)m, (unsigned)d, h, mi, s)) *
	      VG_NS;
	return 19;
}

size_t vg_time_ctime(struct vg_timectx *tc, const char *p, size_t n,
		     int64_t *ts)
{
	unsigned m;
	int d, h, mi, s, y;
	int64_t frac = 0;
	size_t i;

	if (n < 24 || p[3] != ' ' || (m = vg_month_abbr(p + 4)) == 0 ||
	    p[7] != ' ')
		return 0;
	i = 8;
	if (p[i] == ' ')
		i++;
	if (!isdig(p[i]))
		return 0;
	d = p[i++] - '0';
	if (isdig(p[i]))
		d = d * 10 + (p[i++] - '0');
	if (p[i++] != ' ' || !hms(p + i, n - i, &h, &mi, &s))
		return 0;
	i += 8;
	i += fraction(p + i, n - i, &frac);
	if (n - i < 5 || p[i] != ' ' || !digits(p + i + 1, 4, &y) ||
	    !date_ok(y, m, (unsigned)d))
		return 0;
	*ts = vg_local_to_utc(tc, wall(y, m, (unsigned)d, h, mi, s)) * VG_NS +
	      frac;
	return i + 5;
}

static char *put2(char *o, unsigned v)
{
	o[0] = (char)('0' + v / 10);
	o[1] = (char)('0' + v % 10);
	return o + 2;
}

size_t vg_time_fmt(char *out, int64_t ns)
{
	int64_t s = ns / VG_NS, f = ns % VG_NS, days, y;
	unsigned m, d, sod;
	char *o = out;

	if (f < 0) {
		f += VG_NS;
		s--;
	}
	days = s / 86400;
	if (s % 86400 < 0)
		days--;
	sod = (unsigned)(s - days * 86400);
	vg_civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = y < 0 ? 0 : 9999;
	o = put2(o, (unsigned)(y / 100));
	o = put2(o, (unsigned)(y % 100));
	*o++ = '-';
	o = put2(o, m);
	*o++ = '-';
	o = put2(o, d);
	*o++ = 'T';
	o = put2(o, sod / 3600);
	*o++ = ':';
	o = put2(o, sod / 60 % 60);
	*o++ = ':';
	o = put2(o, sod % 60);
	if (f != 0) {
		int digs = 9;
		char fr[9];

		for (int i = 8; i >= 0; i--) {
			fr[i] = (char)('0' + f % 10);
			f /= 10;
		}
		while (digs > 3 && fr[digs - 1] == '0' && fr[digs - 2] == '0' &&
		       fr[digs - 3] == '0')
			digs -= 3;
		*o++ = '.';
		memcpy(o, fr, (size_t)digs);
		o += digs;
	}
	*o++ = 'Z';
	*o = '\0';
	return (size_t)(o - out);
}

int64_t vg_duration(const char *s)
{
	char *end;
	long long v;
	int64_t unit;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || v <= 0 || v > 100000000)
		return -1;
	switch (*end) {
	case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	case 'w': unit = 7 * 86400; break;
	default: return -1;
	}
	if (end[1] != '\0' || v > INT64_MAX / (unit * 1000000000))
		return -1;
	return (int64_t)v * unit * 1000000000;
}
