/* The router: recognises a record's envelope from its first bytes and a
 * syslog message's decoder from its program, each from one table. */
#include "decode.h"

#include <pthread.h>
#include <string.h>

#include "../lib/vg_err.h"
#include "dec_internal.h"

static const char *const dec_names[VG_DEC__N] = {
	[VG_DEC_NONE] = "none",
	[VG_DEC_SYSLOG] = "syslog",
	[VG_DEC_SSHD] = "sshd",
	[VG_DEC_SUDO] = "sudo",
	[VG_DEC_SU] = "su",
	[VG_DEC_PAM] = "pam",
	[VG_DEC_LOGIND] = "logind",
	[VG_DEC_ACCOUNTS] = "accounts",
	[VG_DEC_WEB_ACCESS] = "web-access",
	[VG_DEC_NGINX_ERROR] = "nginx-error",
	[VG_DEC_APACHE_ERROR] = "apache-error",
	[VG_DEC_JSON] = "json",
	[VG_DEC_KV] = "kv",
};

const char *vg_decoder_name(enum vg_decoder d)
{
	return (unsigned)d < VG_DEC__N ? dec_names[d] : "?";
}

/* Programs whose messages a decoder understands, and the Sigma service
 * their events belong to. */
static const struct prog {
	const char *name;
	vg_progdec_fn fn;
	enum vg_decoder dec;
	enum vg_name service;
} progs[] = {
	{"sshd", vg_dec_sshd, VG_DEC_SSHD, VG_N_LS_SSHD},
	{"sshd-session", vg_dec_sshd, VG_DEC_SSHD, VG_N_LS_SSHD},
	{"sshd-auth", vg_dec_sshd, VG_DEC_SSHD, VG_N_LS_SSHD},
	{"sudo", vg_dec_sudo, VG_DEC_SUDO, VG_N_LS_SUDO},
	{"su", vg_dec_su, VG_DEC_SU, VG_N_LS_AUTH},
	{"systemd-logind", vg_dec_logind, VG_DEC_LOGIND, VG_N_LS_AUTH},
	{"useradd", vg_dec_accounts, VG_DEC_ACCOUNTS, VG_N_LS_AUTH},
	{"usermod", vg_dec_accounts, VG_DEC_ACCOUNTS, VG_N_LS_AUTH},
	{"userdel", vg_dec_accounts, VG_DEC_ACCOUNTS, VG_N_LS_AUTH},
	{"groupadd", vg_dec_accounts, VG_DEC_ACCOUNTS, VG_N_LS_AUTH},
	{"groupmod", vg_dec_accounts, VG_DEC_ACCOUNTS, VG_N_LS_AUTH},
	{"groupdel", vg_dec_accounts, VG_DEC_ACCOUNTS, VG_N_LS_AUTH},
	{"gpasswd", vg_dec_accounts, VG_DEC_ACCOUNTS, VG_N_LS_AUTH},
	{"passwd", vg_dec_accounts, VG_DEC_ACCOUNTS, VG_N_LS_AUTH},
	{"chpasswd", vg_dec_accounts, VG_DEC_ACCOUNTS, VG_N_LS_AUTH},
	{"chage", vg_dec_accounts, VG_DEC_ACCOUNTS, VG_N_LS_AUTH},
	{"chsh", vg_dec_accounts, VG_DEC_ACCOUNTS, VG_N_LS_AUTH},
	{"chfn", vg_dec_accounts, VG_DEC_ACCOUNTS, VG_N_LS_AUTH},
};

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init(void)
{
	vg_names_init();
	vg_tmpl_init();
}

void vg_decode_init(void)
{
	pthread_once(&once, init);
}

void vg_decode_ctx_init(struct vg_decode_ctx *dc, int64_t ref,
			enum vg_format format)
{
	vg_decode_init();
	vg_timectx_init(&dc->tc, ref);
	dc->format = format;
	memset(dc->jkey, 0, sizeof(dc->jkey));
	memset(dc->jhash, 0, sizeof(dc->jhash));
}

int vg_format_parse(const char *s, enum vg_format *f)
{
	static const struct {
		const char *name;
		enum vg_format f;
	} t[] = {{"auto", VG_FMT_AUTO},
		 {"syslog", VG_FMT_SYSLOG},
		 {"web", VG_FMT_WEB},
		 {"json", VG_FMT_JSON},
		 {"kv", VG_FMT_KV}};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(s, t[i].name) == 0) {
			*f = t[i].f;
			return 0;
		}
	return VG_E_INVAL;
}

static bool is_web_prog(const char *p, size_t n)
{
	return (n == 5 && memcmp(p, "nginx", 5) == 0) ||
	       (n == 7 && memcmp(p, "apache2", 7) == 0) ||
	       (n == 5 && memcmp(p, "httpd", 5) == 0);
}

enum vg_decoder vg_decode_program(struct vg_batch *b, struct vg_event *ev,
				  const char *prog, size_t pn,
				  const char *msg, size_t n)
{
	uint32_t mark = ev->nfields;
	size_t base = pn;

	if (pn == 0)
		return VG_DEC_NONE;
	/* "sshd(pam_unix)" in older logs: the program is before "(". */
	const char *paren = memchr(prog, '(', pn);
	if (paren != NULL)
		base = (size_t)(paren - prog);
	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		const struct prog *pr = &progs[i];

		if (pr->name[0] != prog[0] || strlen(pr->name) != base ||
		    memcmp(pr->name, prog, base) != 0)
			continue;
		ev->service = pr->service;
		if (paren != NULL && pn - base > 5 &&
		    memcmp(paren + 1, "pam_", 4) == 0) {
			if (vg_dec_pam_body(b, ev, msg, n)) {
				vg_event_add(b, ev, VG_N_PAM_MODULE, paren + 1,
					     pn - base - 2, 0);
				return VG_DEC_PAM;
			}
		} else if (pr->fn(b, ev, msg, n)) {
			return pr->dec;
		}
		ev->nfields = mark;
		return VG_DEC_NONE;
	}
	if (STARTS(msg, n, "pam_")) {
		ev->service = VG_N_LS_AUTH;
		if (vg_dec_pam(b, ev, msg, n))
			return VG_DEC_PAM;
	}
	if (is_web_prog(prog, base)) {
		struct vg_decode_ctx dc0; /* stamps come from the envelope */
		int64_t ts = ev->ts;

		vg_timectx_init(&dc0.tc, 0);
		if (vg_dec_web_access(&dc0, b, ev, msg, n)) {
			ev->product = base == 5 && prog[0] == 'n'
					      ? VG_N_LS_NGINX
					      : VG_N_LS_APACHE;
			ev->service = 0;
			ev->ts = ts != VG_TS_NONE ? ts : ev->ts;
			return VG_DEC_WEB_ACCESS;
		}
	}
	ev->nfields = mark;
	return VG_DEC_NONE;
}

static bool month_start(const char *p, size_t n)
{
	return n > 4 && p[3] == ' ' && vg_month_abbr(p) != 0;
}

/* Undoes whatever a failed envelope attempt left in ev. */
static void rollback(struct vg_event *ev)
{
	ev->nfields = 0;
	ev->ts = VG_TS_NONE;
	ev->decoder = VG_DEC_NONE;
	ev->product = ev->category = ev->service = 0;
	ev->flags &= VG_EV_TRUNCATED;
}

typedef bool (*envelope_fn)(struct vg_decode_ctx *, struct vg_batch *,
			    struct vg_event *, const char *, size_t);

static bool try(envelope_fn fn, struct vg_decode_ctx *dc, struct vg_batch *b,
		struct vg_event *ev, const char *p, size_t n)
{
	if (fn(dc, b, ev, p, n))
		return true;
	rollback(ev);
	return false;
}

static bool envelope(struct vg_decode_ctx *dc, struct vg_batch *b,
		     struct vg_event *ev, const char *p, size_t n)
{
	char c = p[0];

	switch (dc->format) {
	case VG_FMT_SYSLOG:
		return try(vg_dec_syslog, dc, b, ev, p, n);
	case VG_FMT_WEB:
		return try(vg_dec_web_access, dc, b, ev, p, n) ||
		       try(vg_dec_web_bracketed, dc, b, ev, p, n) ||
		       try(vg_dec_nginx_error, dc, b, ev, p, n) ||
		       try(vg_dec_apache_error, dc, b, ev, p, n);
	case VG_FMT_JSON:
		return try(vg_dec_json, dc, b, ev, p, n);
	case VG_FMT_KV:
		return try(vg_dec_kv, dc, b, ev, p, n);
	case VG_FMT_AUTO:
		break;
	}
	if (c == '{')
		return try(vg_dec_json, dc, b, ev, p, n);
	if ((c == '<' || month_start(p, n)) &&
	    try(vg_dec_syslog, dc, b, ev, p, n))
		return true;
	if (c == '[')
		return try(vg_dec_web_bracketed, dc, b, ev, p, n) ||
		       try(vg_dec_apache_error, dc, b, ev, p, n);
	if (vg_isdigit(c) && n > 10) {
		if (p[4] == '-' && try(vg_dec_syslog, dc, b, ev, p, n))
			return true;
		if (p[4] == '/' && try(vg_dec_nginx_error, dc, b, ev, p, n))
			return true;
	}
	return try(vg_dec_web_access, dc, b, ev, p, n) ||
	       try(vg_dec_kv, dc, b, ev, p, n);
}

struct vg_event *vg_decode(struct vg_decode_ctx *dc, struct vg_batch *b,
			   const struct vg_record *rec)
{
	struct vg_event *ev = vg_batch_begin(b, rec->p, rec->len);

	if (ev == NULL)
		return NULL;
	ev->offset = rec->offset;
	ev->lineno = rec->lineno;
	if (rec->flags & VG_REC_TRUNCATED)
		ev->flags |= VG_EV_TRUNCATED;
	if (rec->len == 0 || !envelope(dc, b, ev, rec->p, rec->len)) {
		rollback(ev);
		ev->flags |= VG_EV_UNDECODED;
		vg_event_add(b, ev, VG_N_MESSAGE, rec->p, rec->len, 0);
	}
	if (ev->ts == VG_TS_NONE)
		ev->flags |= VG_EV_NOTIME;
	vg_batch_commit(b, ev);
	return ev;
}
