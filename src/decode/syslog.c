/* The syslog envelope: RFC 5424, RFC 3164 with or without <PRI>, and the
 * ISO 8601 stamps of rsyslog's high-precision format. The message is then
 * handed to its program's decoder (decode.c). */
#include "dec_internal.h"

static const char *const facilities[24] = {
	"kern",   "user",   "mail",   "daemon", "auth",   "syslog",
	"lpr",    "news",   "uucp",   "cron",   "authpriv", "ftp",
	"ntp",    "audit",  "alert",  "clock",  "local0", "local1",
	"local2", "local3", "local4", "local5", "local6", "local7",
};
static const char *const severities[8] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
};

static void add_str(struct vg_batch *b, struct vg_event *ev, uint16_t id,
		    const char *s)
{
	vg_event_add(b, ev, id, s, strlen(s), 0);
}

/* Reads "<N>" at p; returns bytes used or 0. */
static size_t pri(const char *p, size_t n, unsigned *v)
{
	size_t i = 1;
	unsigned x = 0;

	if (n < 3 || p[0] != '<')
		return 0;
	while (i < n && i < 5 && vg_isdigit(p[i]))
		x = x * 10 + (unsigned)(p[i++] - '0');
	if (i == 1 || i >= n || p[i] != '>' || x > 191)
		return 0;
	*v = x;
	return i + 1;
}

static size_t word(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && p[i] != ' ')
		i++;
	return i;
}

/* RFC 5424 after "<PRI>1 ": stamp host app procid msgid sd msg. */
static bool rfc5424(struct vg_decode_ctx *dc, struct vg_batch *b,
		    struct vg_event *ev, const char *p, size_t n)
{
	size_t i = 0, w, k;
	const char *app = NULL;
	size_t appn = 0;
	int64_t ts;

	w = word(p, n);
	if (w == 1 && p[0] == '-')
		k = 1;
	else if ((k = vg_time_iso8601(&dc->tc, p, n, &ts)) == 0 || k != w)
		return false;
	else
		ev->ts = ts;
	i = k;
	for (int f = 0; f < 4; f++) { /* host, app, procid, msgid */
		if (i >= n || p[i] != ' ')
			return false;
		i++;
		w = word(p + i, n - i);
		if (w == 0)
			return false;
		if (!(w == 1 && p[i] == '-')) {
			static const uint16_t ids[4] = {
				VG_N_HOST_NAME, VG_N_PROCESS_NAME,
				VG_N_PROCESS_PID, VG_N_SYSLOG_MSGID};
			vg_event_add(b, ev, ids[f], p + i, w, 0);
			if (f == 1) {
				app = p + i;
				appn = w;
			}
		}
		i += w;
	}
	if (i < n && p[i] == ' ')
		i++;
	/* Structured data: "-" or one or more [id k="v" …], where "]" may be
	 * escaped inside values. */
	if (i < n && p[i] == '-') {
		i++;
	} else if (i < n && p[i] == '[') {
		size_t s = i;

		while (i < n && p[i] == '[') {
			bool inq = false;

			for (i++; i < n; i++) {
				if (inq && p[i] == '\\' && i + 1 < n) {
					i++;
				} else if (p[i] == '"') {
					inq = !inq;
				} else if (!inq && p[i] == ']') {
					i++;
					break;
				}
			}
		}
		vg_event_add(b, ev, VG_N_SYSLOG_SD, p + s, i - s, 0);
	}
	if (i < n && p[i] == ' ')
		i++;
	/* A UTF-8 byte order mark may open the message. */
	if (n - i >= 3 && memcmp(p + i, "\xef\xbb\xbf", 3) == 0)
		i += 3;
	vg_event_add(b, ev, VG_N_MESSAGE, p + i, n - i, 0);
	ev->product = VG_N_LS_LINUX;
	ev->service = VG_N_LS_SYSLOG;
	ev->decoder = VG_DEC_SYSLOG;
	if (app != NULL) {
		enum vg_decoder d = vg_decode_program(b, ev, app, appn, p + i,
						      n - i);
		if (d != VG_DEC_NONE)
			ev->decoder = (uint16_t)d;
		else
			ev->flags |= VG_EV_UNDECODED;
	} else {
		ev->flags |= VG_EV_UNDECODED;
	}
	return true;
}

bool vg_dec_syslog(struct vg_decode_ctx *dc, struct vg_batch *b,
		   struct vg_event *ev, const char *p, size_t n)
{
	size_t i = 0, k, w, ps, pe, ids = 0, ide = 0;
	unsigned pv = 0;
	bool has_pri;
	int64_t ts;

	k = pri(p, n, &pv);
	has_pri = k != 0;
	if (has_pri) {
		add_str(b, ev, VG_N_SYSLOG_FACILITY, facilities[pv >> 3]);
		add_str(b, ev, VG_N_SYSLOG_SEVERITY, severities[pv & 7]);
		i = k;
		if (n - i >= 2 && p[i] == '1' && p[i + 1] == ' ')
			return rfc5424(dc, b, ev, p + i + 2, n - i - 2);
	}
	if ((k = vg_time_rfc3164(&dc->tc, p + i, n - i, &ts)) == 0 &&
	    (k = vg_time_iso8601(&dc->tc, p + i, n - i, &ts)) == 0)
		return false;
	ev->ts = ts;
	i += k;
	if (i >= n || p[i] != ' ')
		return false;
	i++;
	/* Host, then the tag "prog[pid]:" or "prog:". */
	w = word(p + i, n - i);
	if (w == 0 || i + w >= n)
		return false;
	vg_event_add(b, ev, VG_N_HOST_NAME, p + i, w, 0);
	i += w + 1;
	ps = i;
	while (i < n && p[i] != ' ' && p[i] != '[' && p[i] != ':')
		i++;
	pe = i;
	if (i < n && p[i] == '[') {
		ids = ++i;
		while (i < n && vg_isdigit(p[i]))
			i++;
		ide = i;
		if (i < n && p[i] == ']')
			i++;
		else
			ids = ide = 0, i = pe, pe = ps; /* not a tag */
	}
	ev->product = VG_N_LS_LINUX;
	ev->service = VG_N_LS_SYSLOG;
	ev->decoder = VG_DEC_SYSLOG;
	if (pe > ps && i < n && p[i] == ':') {
		enum vg_decoder d;

		i++;
		if (i < n && p[i] == ' ')
			i++;
		vg_event_add(b, ev, VG_N_PROCESS_NAME, p + ps, pe - ps, 0);
		if (ide > ids)
			vg_event_add(b, ev, VG_N_PROCESS_PID, p + ids, ide - ids,
				     0);
		vg_event_add(b, ev, VG_N_MESSAGE, p + i, n - i, 0);
		d = vg_decode_program(b, ev, p + ps, pe - ps, p + i, n - i);
		if (d != VG_DEC_NONE)
			ev->decoder = (uint16_t)d;
		else
			ev->flags |= VG_EV_UNDECODED;
		return true;
	}
	/* No tag: the rest is the message. */
	vg_event_add(b, ev, VG_N_MESSAGE, p + ps, n - ps, 0);
	ev->flags |= VG_EV_UNDECODED;
	return true;
}
