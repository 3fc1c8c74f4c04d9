/* Web server logs: access lines in the combined, common and
 * vhost_combined forms shared by nginx and Apache (a vhost and port may
 * lead, extra quoted fields may follow), nginx error lines and Apache
 * error lines. Fields take the W3C names of Sigma's webserver taxonomy. */
#include <pthread.h>

#include "../lib/intern.h"
#include "dec_internal.h"
#include "tmpl.h"

/* Index after the separator that follows position i, never past n. */
static size_t after_sep(size_t i, size_t n)
{
	return i < n ? i + 1 : n;
}

static size_t word(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && p[i] != ' ')
		i++;
	return i;
}

/* A quoted field "…": returns the length of its content, honouring
 * backslash escapes, and sets *used to the bytes consumed (quotes
 * included); 0 and *used = 0 if p does not open a quoted field. A field
 * whose closing quote is missing runs to the end. */
static size_t quoted(const char *p, size_t n, size_t *used)
{
	size_t i = 1;

	*used = 0;
	if (n == 0 || p[0] != '"')
		return 0;
	while (i < n) {
		i += vg_find2(p + i, n - i, '"', '\\');
		if (i >= n)
			break;
		if (p[i] == '\\' && i + 1 < n) {
			i += 2;
			continue;
		}
		/* A quote ends the field only when a space, a comma (nginx
		 * error context) or the end follows: request lines
		 * sometimes hold raw quotes. */
		if (p[i] == '"' && (i + 1 == n || p[i + 1] == ' ' ||
				    p[i + 1] == ','))
			break;
		i++;
	}
	*used = i < n ? i + 1 : n;
	return i - 1;
}

static bool all_digits(const char *p, size_t n);

/* A 3-digit HTTP status: sc-status, and event.outcome failure from 400
 * on. Returns false, adding nothing, for anything else. */
static bool status(struct vg_batch *b, struct vg_event *ev, const char *p,
		   size_t w)
{
	if (w != 3 || !all_digits(p, 3))
		return false;
	vg_event_add(b, ev, VG_N_SC_STATUS, p, 3, 0);
	vg_event_add_name(b, ev, VG_N_EVENT_OUTCOME,
			  p[0] >= '4' ? VG_N_V_FAILURE : VG_N_V_SUCCESS);
	return true;
}

/* Splits a request line "METHOD target VERSION" into its fields. */
static void request(struct vg_batch *b, struct vg_event *ev, const char *p,
		    size_t n)
{
	size_t m, t, q;

	vg_event_add(b, ev, VG_N_HTTP_REQUEST, p, n, 0);
	m = word(p, n);
	if (m == 0 || m == n || m > 32)
		return;
	for (size_t i = 0; i < m; i++)
		if (!((p[i] >= 'A' && p[i] <= 'Z') || p[i] == '-' ||
		      p[i] == '_'))
			return;
	vg_event_add(b, ev, VG_N_CS_METHOD, p, m, 0);
	p += m + 1;
	n -= m + 1;
	/* The target runs to the last space when a version follows. */
	t = n;
	size_t sp = vg_rfind(p, n, " HTTP/", 6);
	if (sp != (size_t)-1) {
		t = sp;
		vg_event_add(b, ev, VG_N_CS_VERSION, p + sp + 1, n - sp - 1, 0);
	}
	vg_event_add(b, ev, VG_N_CS_URI, p, t, 0);
	q = vg_find(p, t, "?", 1);
	if (q == (size_t)-1) {
		vg_event_add(b, ev, VG_N_CS_URI_STEM, p, t, 0);
	} else {
		vg_event_add(b, ev, VG_N_CS_URI_STEM, p, q, 0);
		vg_event_add(b, ev, VG_N_CS_URI_QUERY, p + q + 1, t - q - 1, 0);
	}
}

static bool all_digits(const char *p, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!vg_isdigit(p[i]))
			return false;
	return true;
}

/* What every access line gets once its fields are in. */
static bool access_event(struct vg_batch *b, struct vg_event *ev)
{
	vg_event_add_name(b, ev, VG_N_EVENT_ACTION, VG_N_A_HTTP_REQUEST);
	ev->category = VG_N_LS_WEBSERVER;
	ev->decoder = VG_DEC_WEB_ACCESS;
	return true;
}

bool vg_dec_web_access(struct vg_decode_ctx *dc, struct vg_batch *b,
		       struct vg_event *ev, const char *p, size_t n)
{
	size_t i = 0, w, ipw, k, used, len, tok[3][2], ntok = 0;
	const char *ip;
	int64_t ts;
	uint32_t mark = ev->nfields;

	(void)dc;
	/* Tokens before "[": client, ident, user; or vhost first. */
	while (i < n && p[i] != '[' && ntok < 3) {
		w = word(p + i, n - i);
		if (w == 0)
			return false;
		tok[ntok][0] = i;
		tok[ntok][1] = w;
		ntok++;
		i += w;
		if (i < n && p[i] == ' ')
			i++;
	}
	if (i < n && p[i] != '[') {
		/* A fourth token: the first was a vhost. */
		size_t vw = tok[0][1], c;
		w = word(p + i, n - i);
		if (w == 0)
			return false;
		c = vg_rfind(p + tok[0][0], vw, ":", 1);
		if (c != (size_t)-1 && all_digits(p + c + 1, vw - c - 1) &&
		    memchr(p, ']', vw) == NULL && vw - c - 1 <= 5) {
			vg_event_add(b, ev, VG_N_CS_HOST, p, c, 0);
			vg_event_add(b, ev, VG_N_S_PORT, p + c + 1, vw - c - 1,
				     0);
		} else {
			vg_event_add(b, ev, VG_N_CS_HOST, p, vw, 0);
		}
		tok[0][0] = tok[1][0], tok[0][1] = tok[1][1];
		tok[1][0] = tok[2][0], tok[1][1] = tok[2][1];
		tok[2][0] = i, tok[2][1] = w;
		i += w;
		if (i < n && p[i] == ' ')
			i++;
	}
	if (ntok < 2 || i >= n || p[i] != '[')
		goto fail;
	ip = p + tok[0][0];
	ipw = tok[0][1];
	vg_event_add(b, ev, VG_N_C_IP, ip, ipw, 0);
	if (vg_looks_ip(ip, ipw))
		vg_add_ip(b, ev, VG_N_SOURCE_IP, ip, ipw);
	if (ntok == 3) {
		const char *u = p + tok[2][0];
		size_t un = tok[2][1];

		vg_event_add(b, ev, VG_N_CS_USERNAME, u, un, 0);
		if (!(un == 1 && u[0] == '-'))
			vg_event_add(b, ev, VG_N_USER_NAME, u, un, 0);
	}
	k = vg_time_clf(p + i + 1, n - i - 1, &ts);
	if (k == 0 || i + 1 + k >= n || p[i + 1 + k] != ']')
		goto fail;
	ev->ts = ts;
	i += k + 2;
	if (i >= n || p[i] != ' ')
		goto fail;
	i++;
	len = quoted(p + i, n - i, &used);
	if (used == 0)
		goto fail;
	request(b, ev, p + i + 1, len);
	i += used;
	if (i < n && p[i] == ' ')
		i++;
	w = word(p + i, n - i);
	if (!status(b, ev, p + i, w))
		goto fail;
	i += 3;
	if (i < n && p[i] == ' ') {
		i++;
		w = word(p + i, n - i);
		if (all_digits(p + i, w))
			vg_event_add(b, ev, VG_N_SC_BYTES, p + i, w, 0);
		i += w;
	}
	if (i + 1 < n && p[i] == ' ' && p[i + 1] == '"') {
		len = quoted(p + i + 1, n - i - 1, &used);
		vg_event_add(b, ev, VG_N_CS_REFERER, p + i + 2, len, 0);
		i += 1 + used;
		if (i + 1 < n && p[i] == ' ' && p[i + 1] == '"') {
			len = quoted(p + i + 1, n - i - 1, &used);
			vg_event_add(b, ev, VG_N_CS_USER_AGENT, p + i + 2, len,
				     0);
			i += 1 + used;
		}
	}
	return access_event(b, ev);
fail:
	ev->nfields = mark;
	return false;
}

/* Apache's basic-auth failures name the user and the path. */
static const struct vg_tmpl_def apache_auth_defs[] = {
	{"AH01618: user {user.name+} not found: {cs-uri}", "http_auth_failed",
	 VG_OUT_FAILURE, VG_TF_INVALID_USER},
	{"AH01617: user {user.name+}: authentication failure for \"{cs-uri+}\": "
	 "{event.reason}",
	 "http_auth_failed", VG_OUT_FAILURE, 0},
	{"user {user.name+} not found: {cs-uri}", "http_auth_failed",
	 VG_OUT_FAILURE, VG_TF_INVALID_USER},
	{"user {user.name+}: authentication failure for \"{cs-uri+}\": "
	 "{event.reason}",
	 "http_auth_failed", VG_OUT_FAILURE, 0},
};
static struct vg_tmpl_set *apache_auth;
static pthread_once_t apache_once = PTHREAD_ONCE_INIT;

static void apache_init(void)
{
	apache_auth = vg_tmpl_compile(apache_auth_defs,
				      sizeof(apache_auth_defs) /
					      sizeof(apache_auth_defs[0]));
}

/* "client: 1.2.3.4, server: x, request: "GET / HTTP/1.1", host: "h"" */
static void nginx_ctx(struct vg_batch *b, struct vg_event *ev, const char *p,
		      size_t n)
{
	size_t k = vg_rfind(p, n, ", client: ", 10);

	if (k == (size_t)-1)
		return;
	const char *c = p + k + 10;
	size_t cn = n - k - 10, w = 0;
	while (w < cn && c[w] != ',')
		w++;
	vg_event_add(b, ev, VG_N_C_IP, c, w, 0);
	if (vg_looks_ip(c, w))
		vg_add_ip(b, ev, VG_N_SOURCE_IP, c, w);
	size_t r = vg_find(c, cn, ", request: \"", 12);
	if (r != (size_t)-1) {
		size_t used, len = quoted(c + r + 11, cn - r - 11, &used);
		request(b, ev, c + r + 12, len);
	}
	size_t h = vg_find(c, cn, ", host: \"", 9);
	if (h != (size_t)-1) {
		size_t used, len = quoted(c + h + 8, cn - h - 8, &used);
		vg_event_add(b, ev, VG_N_CS_HOST, c + h + 9, len, 0);
	}
}

bool vg_dec_nginx_error(struct vg_decode_ctx *dc, struct vg_batch *b,
			struct vg_event *ev, const char *p, size_t n)
{
	size_t i, s;
	int64_t ts;

	i = vg_time_slashed(&dc->tc, p, n, &ts);
	if (i == 0 || i + 3 >= n || p[i] != ' ' || p[i + 1] != '[')
		return false;
	i += 2;
	s = i;
	while (i < n && p[i] != ']' && i - s < 16)
		i++;
	if (i >= n || p[i] != ']')
		return false;
	ev->ts = ts;
	vg_event_add(b, ev, VG_N_LOG_LEVEL, p + s, i - s, 0);
	i++;
	if (i < n && p[i] == ' ')
		i++;
	s = i;
	while (i < n && vg_isdigit(p[i]))
		i++;
	if (i > s && i < n && p[i] == '#') {
		vg_event_add(b, ev, VG_N_PROCESS_PID, p + s, i - s, 0);
		while (i < n && p[i] != ':')
			i++;
		if (i + 1 < n)
			i += 2;
	} else {
		i = s;
	}
	if (i < n && p[i] == '*') { /* connection number */
		while (i < n && p[i] != ' ')
			i++;
		if (i < n)
			i++;
	}
	vg_event_add(b, ev, VG_N_MESSAGE, p + i, n - i, 0);
	nginx_ctx(b, ev, p + i, n - i);
	ev->product = VG_N_LS_NGINX;
	ev->category = VG_N_LS_WEBSERVER;
	ev->decoder = VG_DEC_NGINX_ERROR;
	return true;
}

/* "1.2.3.4:50229", "1.2.3.4" or a name, from Apache's [client …]. */
static void apache_client(struct vg_batch *b, struct vg_event *ev,
			  const char *c, size_t cn)
{
	size_t col = vg_rfind(c, cn, ":", 1);

	if (col != (size_t)-1 && all_digits(c + col + 1, cn - col - 1) &&
	    vg_looks_ip(c, col)) {
		vg_event_add(b, ev, VG_N_SOURCE_PORT, c + col + 1, cn - col - 1,
			     0);
		cn = col;
	}
	vg_event_add(b, ev, VG_N_C_IP, c, cn, 0);
	if (vg_looks_ip(c, cn))
		vg_add_ip(b, ev, VG_N_SOURCE_IP, c, cn);
}

bool vg_dec_apache_error(struct vg_decode_ctx *dc, struct vg_batch *b,
			 struct vg_event *ev, const char *p, size_t n)
{
	size_t i, s, k;
	int64_t ts;

	if (n < 3 || p[0] != '[')
		return false;
	k = vg_time_ctime(&dc->tc, p + 1, n - 1, &ts);
	if (k == 0 || 1 + k >= n || p[1 + k] != ']')
		return false;
	ev->ts = ts;
	i = k + 2;
	while (i + 1 < n && p[i] == ' ' && p[i + 1] == '[') {
		size_t e;

		s = i + 2;
		for (e = s; e < n && p[e] != ']'; e++)
			;
		if (e >= n)
			break;
		if (STARTS(p + s, e - s, "client ")) {
			apache_client(b, ev, p + s + 7, e - s - 7);
		} else if (STARTS(p + s, e - s, "pid ")) {
			size_t d = s + 4;
			while (d < e && vg_isdigit(p[d]))
				d++;
			vg_event_add(b, ev, VG_N_PROCESS_PID, p + s + 4,
				     d - s - 4, 0);
		} else {
			size_t c = vg_find(p + s, e - s, ":", 1);
			if (c != (size_t)-1) {
				vg_event_add(b, ev, VG_N_APACHE_MODULE, p + s, c,
					     0);
				vg_event_add(b, ev, VG_N_LOG_LEVEL, p + s + c + 1,
					     e - s - c - 1, 0);
			} else {
				vg_event_add(b, ev, VG_N_LOG_LEVEL, p + s, e - s,
					     0);
			}
		}
		i = e + 1;
	}
	if (i < n && p[i] == ' ')
		i++;
	/* A [client …] may also follow an OS error text: "(70014)End of
	 * file found: [client 1.2.3.4:17036] AH02006: …". */
	if (vg_event_get(ev, VG_N_C_IP) == NULL) {
		size_t c = vg_find(p + i, n - i, "[client ", 8);
		if (c != (size_t)-1) {
			size_t e = vg_find(p + i + c, n - i - c, "]", 1);
			if (e != (size_t)-1)
				apache_client(b, ev, p + i + c + 8, e - 8);
		}
	}
	/* "AH01618: " error code. */
	size_t ah = vg_find(p + i, n - i, "AH", 2);
	if (ah != (size_t)-1 && n - i - ah > 8 &&
	    all_digits(p + i + ah + 2, 5) && p[i + ah + 7] == ':')
		vg_event_add(b, ev, VG_N_ERROR_CODE, p + i + ah, 7, 0);
	vg_event_add(b, ev, VG_N_MESSAGE, p + i, n - i, 0);
	pthread_once(&apache_once, apache_init);
	vg_tmpl_match(apache_auth, b, ev, p + i, n - i);
	ev->product = VG_N_LS_APACHE;
	ev->category = VG_N_LS_WEBSERVER;
	ev->decoder = VG_DEC_APACHE_ERROR;
	return true;
}

/* Nginx Proxy Manager and NPMplus put the stamp first:
 *   [time] fqdn client reqtime "request" status body bytes referer agent…
 *   [time] [cache upstream] status - VERB scheme host "uri" [Client ip]
 *     [Length n] [Gzip r] [Sent-to x] "agent" "referer"              */
bool vg_dec_web_bracketed(struct vg_decode_ctx *dc, struct vg_batch *b,
			  struct vg_event *ev, const char *p, size_t n)
{
	size_t i, k, w, used, len, c;
	int64_t ts;
	uint32_t mark = ev->nfields;

	(void)dc;
	if (n < 30 || p[0] != '[')
		return false;
	k = vg_time_clf(p + 1, n - 1, &ts);
	if (k == 0 || 1 + k + 1 >= n || p[1 + k] != ']' || p[2 + k] != ' ')
		return false;
	ev->ts = ts;
	i = k + 3;
	c = vg_find(p + i, n - i, "\" [Client ", 10);
	if (c != (size_t)-1) {
		/* Nginx Proxy Manager */
		size_t dash = vg_find(p + i, n - i, " - ", 3), s;
		if (dash == (size_t)-1 || dash > c)
			goto fail;
		s = i + dash;
		while (s > i && p[s - 1] != ' ')
			s--;
		if (!status(b, ev, p + s, i + dash - s))
			goto fail;
		i += dash + 3;
		w = word(p + i, n - i); /* verb */
		vg_event_add(b, ev, VG_N_CS_METHOD, p + i, w, 0);
		i = after_sep(i + w, n);
		w = word(p + i, n - i); /* scheme */
		i = after_sep(i + w, n);
		w = word(p + i, n - i); /* host */
		vg_event_add(b, ev, VG_N_CS_HOST, p + i, w, 0);
		i = after_sep(i + w, n);
		len = quoted(p + i, n - i, &used);
		if (used == 0)
			goto fail;
		vg_event_add(b, ev, VG_N_CS_URI, p + i + 1, len, 0);
		size_t q = vg_find(p + i + 1, len, "?", 1);
		vg_event_add(b, ev, VG_N_CS_URI_STEM, p + i + 1,
			     q == (size_t)-1 ? len : q, 0);
		if (q != (size_t)-1)
			vg_event_add(b, ev, VG_N_CS_URI_QUERY, p + i + 2 + q,
				     len - q - 1, 0);
		i += used;
		if (!STARTS(p + i, n - i, " [Client "))
			goto fail;
		i += 9;
		w = 0;
		while (i + w < n && p[i + w] != ']')
			w++;
		vg_event_add(b, ev, VG_N_C_IP, p + i, w, 0);
		if (vg_looks_ip(p + i, w))
			vg_add_ip(b, ev, VG_N_SOURCE_IP, p + i, w);
		i += w;
		size_t lb = vg_find(p + i, n - i, "[Length ", 8);
		if (lb != (size_t)-1) {
			size_t d = i + lb + 8, e = d;
			while (e < n && vg_isdigit(p[e]))
				e++;
			if (e > d)
				vg_event_add(b, ev, VG_N_SC_BYTES, p + d, e - d, 0);
		}
		size_t ua = vg_find(p + i, n - i, " \"", 2);
		if (ua != (size_t)-1) {
			i += ua + 1;
			len = quoted(p + i, n - i, &used);
			vg_event_add(b, ev, VG_N_CS_USER_AGENT, p + i + 1, len, 0);
			i += used;
			if (i + 1 < n && p[i] == ' ' && p[i + 1] == '"') {
				len = quoted(p + i + 1, n - i - 1, &used);
				vg_event_add(b, ev, VG_N_CS_REFERER, p + i + 2,
					     len, 0);
			}
		}
	} else {
		/* NPMplus */
		w = word(p + i, n - i);
		vg_event_add(b, ev, VG_N_CS_HOST, p + i, w, 0);
		i = after_sep(i + w, n);
		w = word(p + i, n - i);
		if (i >= n || !vg_looks_ip(p + i, w))
			goto fail;
		vg_event_add(b, ev, VG_N_C_IP, p + i, w, 0);
		vg_add_ip(b, ev, VG_N_SOURCE_IP, p + i, w);
		i = after_sep(i + w, n);
		w = word(p + i, n - i);
		vg_event_add(b, ev, VG_N_TIME_TAKEN, p + i, w, 0);
		i = after_sep(i + w, n);
		len = quoted(p + i, n - i, &used);
		if (used == 0)
			goto fail;
		request(b, ev, p + i + 1, len);
		i = after_sep(i + used, n);
		w = word(p + i, n - i);
		if (!status(b, ev, p + i, w))
			goto fail;
		i = after_sep(i + w, n);
		w = word(p + i, n - i); /* body bytes */
		vg_event_add(b, ev, VG_N_SC_BYTES, p + i, w, 0);
		i = after_sep(i + w, n);
		w = word(p + i, n - i); /* bytes sent */
		i = after_sep(i + w, n);
		w = word(p + i, n - i);
		if (i < n) {
			vg_event_add(b, ev, VG_N_CS_REFERER, p + i, w, 0);
			i = after_sep(i + w, n);
		}
		if (i < n)
			vg_event_add(b, ev, VG_N_CS_USER_AGENT, p + i, n - i, 0);
	}
	ev->product = VG_N_LS_NGINX;
	return access_event(b, ev);
fail:
	ev->nfields = mark;
	return false;
}
