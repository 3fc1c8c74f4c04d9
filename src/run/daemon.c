/* vigie run (daemon.h).
 *
 * Threads: the loop (libuv: sources, timers, signals), the worker
 * (decoding, Sigma, the store, enforcement), and the HTTP servers
 * (/metrics, the decision stream). The loop owns the followers; the
 * worker owns the store's writer connection, the Sigma context and the
 * decoders' contexts. They meet in a bounded queue of batches: when it is
 * full, files wait (their position simply does not move), TCP peers wait,
 * UDP datagrams are dropped and counted.
 *
 * Nothing is lost or repeated across a crash: each transaction writes the
 * alerts of some batches with the positions after them. The correlation
 * state is saved now and then with the positions it stands for (replay
 * rows); a restart restores it and reads again from those positions, and
 * the alerts that gives again are recognised by the store (same source,
 * offset and rule) and dropped, so that the alerts of a run killed at any
 * moment are those of a run never killed. */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <systemd/sd-journal.h>
#include <uv.h>

#include "../decode/decode.h"
#include "../ingest/follow.h"
#include "../ingest/frame.h"
#include "../ingest/reader.h"
#include "../lib/buf.h"
#include "../lib/escape.h"
#include "../lib/sockaddr.h"
#include "../lib/vtime.h"
#include "../lib/xmalloc.h"
#include "../respond/lapi.h"
#include "../respond/respond.h"
#include "../sigma/sigma.h"
#include "../store/store.h"
#include "alert.h"
#include "daemon.h"
#include "incident.h"

#define MS 1000000LL
#define SEC 1000000000LL
#define MAXSRC 4096
#define QCAP 64
#define BATCH_LINES 4096u
#define POLL_MS 250
#define COMMIT_NS (100 * MS)

enum { SK_FILE, SK_SYSLOG, SK_STDIN, SK_JOURNAL };

struct rec {
	uint64_t off, lineno;
	uint32_t at, len, flags;
};

struct rbatch {
	uint32_t src;
	uint32_t n, cap;
	struct rec *r;
	char *data;
	size_t dlen, dcap;
	struct vg_fpos pos;
	bool has_pos;
	char cursor[512]; /* journald: the cursor after the batch, or "" */
	struct rbatch *next; /* free list */
};

struct source {
	int kind;
	char *name;
	enum vg_format format;
	/* loop thread */
	struct vg_follow *fw;
	bool kicked;
	uint64_t seq;    /* syslog, stdin: the next message's offset */
	struct rbatch *pending;
	sd_journal *j;   /* journald */
	uv_poll_t jpoll;
	uint64_t jlast, jk; /* last entry's time (us), entries at that time */
	/* worker */
	struct vg_decode_ctx dc;
	int64_t dc_ref;
	struct vg_fpos pos, start;
	char cursor[512], start_cursor[512];
	bool pos_dirty, start_saved;
	/* metrics */
	_Atomic uint64_t records, decoded, undecoded, dropped, bytes;
	_Atomic uint64_t rotations, truncations, lost; /* files (follow.h) */
};

struct watch {
	uv_fs_event_t ev;
	char *dir;
	struct daemon *d;
};

struct conn {
	int kind; /* 1: a connection (see close_one) */
	uv_tcp_t h;
	struct vg_frame fr;
	struct daemon *d;
	uint32_t src;
};

struct listener {
	int kind; /* 2 */
	union {
		uv_udp_t udp;
		uv_tcp_t tcp;
	} h;
	struct daemon *d;
	uint32_t src;
};

struct daemon {
	const struct vg_config *c;
	bool quiet;
	uv_loop_t loop;
	uv_async_t wake;
	uv_timer_t timer;
	uv_idle_t pump;
	uv_check_t flush;
	uv_signal_t sig[3];
	int64_t last_glob;
	bool stopping;
	/* sources */
	struct source *src[MAXSRC];
	_Atomic uint32_t nsrc;
	struct watch *w;
	size_t nw;
	struct listener *ls;
	size_t nls;
	/* queue */
	pthread_mutex_t mu;
	pthread_cond_t cv, room;
	struct rbatch *q[QCAP];
	unsigned qhead, qn;
	bool qstop;
	struct rbatch *free_b;
	bool paused;
	pthread_t worker, stdin_thr;
	bool stdin_running;
	/* worker */
	struct vg_store *st, *rd;
	struct vg_ruleset *rs;
	struct vg_sigma *sg;
	struct vg_incidents *inc;
	struct vg_respond *resp;
	struct vg_batch *vb;
	struct source *cur;
	bool intx;
	int64_t tx_start, pending_since; /* uncommitted work since */
	struct vg_buf js, snap;
	int64_t last_snap, snap_cost, last_tick;
	uint64_t events_since_snap;
	_Atomic int fatal;
	char fatal_msg[512];
	/* metrics */
	_Atomic uint64_t *per_rule;
	pthread_mutex_t rules_mu; /* rs and per_rule, swapped on SIGHUP */
	_Atomic int reload;
	_Atomic uint64_t alerts, replayed, events, decisions, simulated,
		allowlisted, enforce_errors, corr_groups, corr_evicted,
		undecodable_msgs, framing_errors;
	struct MHD_Daemon *http;
	struct vg_lapi *lapi;
	int lockfd;
};

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * SEC + ts.tv_nsec;
}

static void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logmsg(const char *fmt, ...)
{
	char ts[48], msg[2048];
	va_list ap;

	vg_time_fmt(ts, now_ns() / SEC * SEC);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s vigie: %s\n", ts, msg);
}

/* ---- batches and the queue ---- */

static struct rbatch *batch_get(struct daemon *d, uint32_t src)
{
	struct rbatch *b;

	pthread_mutex_lock(&d->mu);
	b = d->free_b;
	if (b)
		d->free_b = b->next;
	pthread_mutex_unlock(&d->mu);
	if (b == NULL) {
		b = xcalloc(1, sizeof(*b));
		b->cap = BATCH_LINES;
		b->r = xcalloc(b->cap, sizeof(*b->r));
		b->dcap = 1u << 20;
		b->data = xmalloc(b->dcap);
	}
	b->src = src;
	b->n = 0;
	b->dlen = 0;
	b->has_pos = false;
	b->cursor[0] = '\0';
	return b;
}

static void batch_put(struct daemon *d, struct rbatch *b)
{
	pthread_mutex_lock(&d->mu);
	b->next = d->free_b;
	d->free_b = b;
	pthread_mutex_unlock(&d->mu);
}

static void batch_add(struct rbatch *b, const char *p, uint32_t len,
		      uint32_t flags, uint64_t off, uint64_t lineno)
{
	if (b->dlen + len > b->dcap) {
		while (b->dlen + len > b->dcap)
			b->dcap *= 2;
		b->data = xreallocarray(b->data, b->dcap, 1);
	}
	if (b->n == b->cap) {
		b->cap *= 2;
		b->r = xreallocarray(b->r, b->cap, sizeof(*b->r));
	}
	memcpy(b->data + b->dlen, p, len);
	b->r[b->n++] = (struct rec){.off = off, .lineno = lineno,
				    .at = (uint32_t)b->dlen, .len = len,
				    .flags = flags};
	b->dlen += len;
}

/* Queues b; false when the queue is full (and wait is false). */
static bool push(struct daemon *d, struct rbatch *b, bool wait)
{
	pthread_mutex_lock(&d->mu);
	while (wait && d->qn == QCAP && !d->qstop)
		pthread_cond_wait(&d->room, &d->mu);
	if (d->qn == QCAP) {
		pthread_mutex_unlock(&d->mu);
		return false;
	}
	d->q[(d->qhead + d->qn++) % QCAP] = b;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
	return true;
}

static unsigned qdepth(struct daemon *d)
{
	pthread_mutex_lock(&d->mu);
	unsigned n = d->qn;
	pthread_mutex_unlock(&d->mu);
	return n;
}

/* ---- sources (loop thread) ---- */

static struct source *source_new(struct daemon *d, int kind,
				 const char *name, enum vg_format fmt)
{
	uint32_t n = atomic_load(&d->nsrc);
	struct source *s;

	if (n == MAXSRC) {
		logmsg("%s: more than %d sources; not followed", name, MAXSRC);
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->kind = kind;
	s->name = xstrdup(name);
	s->format = fmt;
	s->seq = (uint64_t)now_ns();
	s->start_saved = kind != SK_FILE;
	d->src[n] = s;
	atomic_store(&d->nsrc, n + 1);
	return s;
}

static uint32_t src_index(struct daemon *d, const struct source *s)
{
	for (uint32_t i = 0; i < atomic_load(&d->nsrc); i++)
		if (d->src[i] == s)
			return i;
	return 0;
}

static struct source *find_source(struct daemon *d, const char *name)
{
	for (uint32_t i = 0; i < atomic_load(&d->nsrc); i++)
		if (strcmp(d->src[i]->name, name) == 0)
			return d->src[i];
	return NULL;
}

static void pos_from_store(const struct vg_position *p, struct vg_fpos *f)
{
	memset(f, 0, sizeof(*f));
	f->inode = p->inode;
	f->offset = p->offset;
	f->base = p->base;
	f->lineno = p->lineno;
	f->saved_ns = p->updated;
	if (vg_fpos_head_parse(f, p->head) != 0) {
		f->headlen = 0;
		f->head = 0;
	}
}

/* A file source: where it starts (replay row, position, or none). */
static void file_source(struct daemon *d, const char *path,
			enum vg_format fmt, bool from_end)
{
	struct source *s;
	struct vg_position p;
	struct vg_fpos fp;
	int have = 0;

	if (find_source(d, path) != NULL)
		return;
	s = source_new(d, SK_FILE, path, fmt);
	if (s == NULL)
		return;
	s->fw = vg_follow_new(path, 0);
	if (d->rd != NULL) {
		/* with the saved state restored, from where it was saved */
		have = vg_store_get_position(d->rd, path, &p, true);
		if (have != 1)
			have = vg_store_get_position(d->rd, path, &p, false);
	}
	if (have == 1) {
		pos_from_store(&p, &fp);
		vg_follow_start(s->fw, &fp, false);
	} else {
		vg_follow_start(s->fw, NULL, from_end);
	}
	vg_follow_pos(s->fw, &s->start);
	s->pos = s->start;
	/* a source the store knew had its replay row already */
	s->start_saved = have == 1;
	s->kicked = true;
}

static bool is_glob(const char *p) { return strpbrk(p, "*?[") != NULL; }

/* New files matching the globs; at the first scan, those already there
 * are history (from their end) unless the source says from: start. */
static void scan_globs(struct daemon *d, bool first)
{
	for (size_t i = 0; i < d->c->nsrc; i++) {
		const struct vg_src_cfg *sc = &d->c->src[i];
		glob_t g;
		if (sc->kind != VG_SRC_FILE || !is_glob(sc->path))
			continue;
		if (glob(sc->path, GLOB_NOSORT, NULL, &g) != 0)
			continue;
		for (size_t k = 0; k < g.gl_pathc; k++) {
			struct stat sb;
			const char *p = g.gl_pathv[k];
			if (vg_log_compressed(p) || stat(p, &sb) != 0 ||
			    !S_ISREG(sb.st_mode) || find_source(d, p))
				continue;
			/* a renamed file still followed under its old name */
			bool followed = false;
			for (uint32_t j = 0; j < atomic_load(&d->nsrc); j++) {
				struct vg_fpos fp;
				if (d->src[j]->fw == NULL)
					continue;
				vg_follow_pos(d->src[j]->fw, &fp);
				followed |= fp.inode == (uint64_t)sb.st_ino;
			}
			if (!followed)
				file_source(d, p, sc->format,
					    first && !sc->from_start);
		}
		globfree(&g);
	}
}

static void on_line(const struct vg_record *r, void *arg)
{
	batch_add(arg, r->p, r->len, r->flags, r->offset, r->lineno);
}

static void pump_cb(uv_idle_t *h);
static void read_journal(struct daemon *d, struct source *s);

static void kick_all(struct daemon *d)
{
	for (uint32_t i = 0; i < atomic_load(&d->nsrc); i++)
		if (d->src[i]->kind == SK_FILE)
			d->src[i]->kicked = true;
	if (!d->paused && !d->stopping)
		uv_idle_start(&d->pump, pump_cb);
}

/* The follower's counts, for the metrics; a loss is said. */
static void follow_metrics(struct source *s)
{
	const struct vg_follow_stats *st = vg_follow_stats(s->fw);
	uint64_t was = atomic_load(&s->lost);

	atomic_store(&s->rotations, st->rotations);
	atomic_store(&s->truncations, st->truncations);
	atomic_store(&s->lost, st->lost);
	if (st->lost > was)
		logmsg("%s: truncated or gone, and no copy of it found: what "
		       "was written to it past the last line read is lost",
		       s->name);
}

/* Reads one batch from each kicked file. */
static void pump_cb(uv_idle_t *h)
{
	struct daemon *d = h->data;
	bool more = false;
	char err[512];

	for (uint32_t i = 0; i < atomic_load(&d->nsrc) && !d->paused; i++) {
		struct source *s = d->src[i];
		if (s->kind != SK_FILE || !s->kicked)
			continue;
		if (qdepth(d) == QCAP) {
			d->paused = true; /* the worker wakes us (on_wake) */
			break;
		}
		struct rbatch *b = batch_get(d, i);
		int n = vg_follow_poll(s->fw, BATCH_LINES, on_line, b, err,
				       sizeof(err));
		if (n < 0)
			logmsg("%s", err);
		follow_metrics(s);
		vg_follow_pos(s->fw, &b->pos);
		b->has_pos = true;
		if (n <= 0) {
			batch_put(d, b);
			s->kicked = false;
			continue;
		}
		/* room was seen above; only standard input's thread may
		 * have taken it since, and the worker frees it soon */
		push(d, b, true);
		if ((uint32_t)n < BATCH_LINES)
			s->kicked = false;
		more |= s->kicked;
	}
	if (!more || d->paused || d->stopping)
		uv_idle_stop(&d->pump);
}

static void on_wake(uv_async_t *h)
{
	struct daemon *d = h->data;

	if (d->paused && qdepth(d) < QCAP / 2) {
		d->paused = false;
		kick_all(d);
	}
	if (atomic_load(&d->fatal) && !d->stopping)
		uv_stop(&d->loop);
}

static void on_fs(uv_fs_event_t *h, const char *fn, int events, int status)
{
	struct watch *w = h->data;

	(void)fn;
	(void)events;
	(void)status;
	if (w->d->last_glob + 200 * MS < now_ns()) {
		w->d->last_glob = now_ns();
		scan_globs(w->d, false);
	}
	kick_all(w->d);
}

static void on_timer(uv_timer_t *h)
{
	struct daemon *d = h->data;

	for (uint32_t i = 0; i < atomic_load(&d->nsrc); i++)
		if (d->src[i]->kind == SK_JOURNAL && !d->stopping)
			read_journal(d, d->src[i]);
	if (d->last_glob + 2 * SEC < now_ns()) {
		d->last_glob = now_ns();
		scan_globs(d, false);
	}
	kick_all(d);
}

static void watch_dir(struct daemon *d, const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');

	snprintf(dir, sizeof(dir), "%.*s",
		 slash ? (int)(slash - path) + (slash == path) : 1,
		 slash ? path : ".");
	if (is_glob(dir))
		return; /* the timer rescans */
	for (size_t i = 0; i < d->nw; i++)
		if (strcmp(d->w[i].dir, dir) == 0)
			return;
	d->w = xreallocarray(d->w, d->nw + 1, sizeof(*d->w));
	/* the handles are in an array that may move: keep them apart */
	struct watch *w = &d->w[d->nw];
	memset(w, 0, sizeof(*w));
	w->dir = xstrdup(dir);
	d->nw++;
}

static void start_watches(struct daemon *d)
{
	for (size_t i = 0; i < d->nw; i++) {
		struct watch *w = &d->w[i];
		w->d = d;
		uv_fs_event_init(&d->loop, &w->ev);
		w->ev.data = w;
		int rc = uv_fs_event_start(&w->ev, on_fs, w->dir, 0);
		if (rc != 0)
			logmsg("%s: not watched (%s); checked every %d ms",
			       w->dir, uv_strerror(rc), POLL_MS);
	}
}

/* ---- syslog over the network ---- */

static void net_msg(struct daemon *d, struct source *s, const char *p,
		    size_t n)
{
	if (s->pending == NULL)
		s->pending = batch_get(d, src_index(d, s));
	if (n > VG_MAXLINE_DEFAULT)
		n = VG_MAXLINE_DEFAULT;
	batch_add(s->pending, p, (uint32_t)n, 0, s->seq++, 0);
}

/* After each turn of the loop: what the sockets brought goes on. */
static void flush_cb(uv_check_t *h)
{
	struct daemon *d = h->data;

	for (uint32_t i = 0; i < atomic_load(&d->nsrc); i++) {
		struct source *s = d->src[i];
		struct rbatch *b = s->pending;
		if (b == NULL)
			continue;
		s->pending = NULL;
		/* TCP peers wait for room; datagrams are dropped */
		if (!push(d, b, strncmp(s->name, "tcp://", 6) == 0)) {
			atomic_fetch_add(&s->dropped, b->n);
			batch_put(d, b);
		}
	}
}

static char udp_buf[65536];

static void udp_alloc(uv_handle_t *h, size_t want, uv_buf_t *b)
{
	(void)h;
	(void)want;
	b->base = udp_buf;
	b->len = sizeof(udp_buf);
}

static void on_udp(uv_udp_t *h, ssize_t n, const uv_buf_t *buf,
		   const struct sockaddr *from, unsigned flags)
{
	struct listener *l = h->data;
	struct source *s = l->d->src[l->src];

	if (n <= 0 || from == NULL)
		return;
	if (flags & UV_UDP_PARTIAL)
		atomic_fetch_add(&l->d->framing_errors, 1);
	size_t len = (size_t)n;
	while (len && (buf->base[len - 1] == '\n' || buf->base[len - 1] == '\r' ||
		       buf->base[len - 1] == '\0'))
		len--;
	if (len)
		net_msg(l->d, s, buf->base, len);
}

static void tcp_alloc(uv_handle_t *h, size_t want, uv_buf_t *b)
{
	static _Thread_local char tbuf[65536];
	(void)h;
	(void)want;
	b->base = tbuf;
	b->len = sizeof(tbuf);
}

static void conn_closed(uv_handle_t *h)
{
	struct conn *c = h->data;

	vg_frame_free(&c->fr);
	free(c);
}

static void tcp_msg(const char *p, size_t n, void *arg)
{
	struct conn *c = arg;

	net_msg(c->d, c->d->src[c->src], p, n);
}

static void on_tcp_read(uv_stream_t *h, ssize_t n, const uv_buf_t *buf)
{
	struct conn *c = h->data;
	char err[256];

	if (n < 0) {
		vg_frame_end(&c->fr, tcp_msg, c);
		uv_close((uv_handle_t *)h, conn_closed);
		return;
	}
	if (vg_frame_feed(&c->fr, buf->base, (size_t)n, tcp_msg, c, err,
			  sizeof(err)) != 0) {
		atomic_fetch_add(&c->d->framing_errors, 1);
		logmsg("%s: %s; connection closed", c->d->src[c->src]->name,
		       err);
		uv_close((uv_handle_t *)h, conn_closed);
	}
}

static void on_tcp_conn(uv_stream_t *srv, int status)
{
	struct listener *l = srv->data;
	struct conn *c;

	if (status < 0)
		return;
	c = xcalloc(1, sizeof(*c));
	c->kind = 1;
	c->d = l->d;
	c->src = l->src;
	vg_frame_init(&c->fr, 0);
	uv_tcp_init(&l->d->loop, &c->h);
	c->h.data = c;
	if (uv_accept(srv, (uv_stream_t *)&c->h) != 0 ||
	    uv_read_start((uv_stream_t *)&c->h, tcp_alloc, on_tcp_read) != 0)
		uv_close((uv_handle_t *)&c->h, conn_closed);
}

static int start_syslog(struct daemon *d, const struct vg_src_cfg *sc)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char err[256];
	bool udp = strncmp(sc->listen, "udp://", 6) == 0;
	struct source *s;
	int rc;

	if (vg_sockaddr_parse(sc->listen + 6, &ss, &len, err, sizeof(err)) != 0) {
		logmsg("syslog %s", err);
		return -1;
	}
	s = source_new(d, SK_SYSLOG, sc->listen, sc->format);
	if (s == NULL)
		return -1;
	struct listener *l = &d->ls[d->nls++];
	l->kind = 2;
	l->d = d;
	l->src = src_index(d, s);
	if (udp) {
		uv_udp_init(&d->loop, &l->h.udp);
		l->h.udp.data = l;
		rc = uv_udp_bind(&l->h.udp, (struct sockaddr *)&ss, 0);
		if (rc == 0)
			rc = uv_udp_recv_start(&l->h.udp, udp_alloc, on_udp);
	} else {
		uv_tcp_init(&d->loop, &l->h.tcp);
		l->h.tcp.data = l;
		rc = uv_tcp_bind(&l->h.tcp, (struct sockaddr *)&ss, 0);
		if (rc == 0)
			rc = uv_listen((uv_stream_t *)&l->h.tcp, 128, on_tcp_conn);
	}
	if (rc != 0) {
		logmsg("syslog %s: cannot listen: %s", sc->listen,
		       uv_strerror(rc));
		return -1;
	}
	return 0;
}

/* ---- journald ---- */

static const char *jfield(sd_journal *j, const char *name, size_t *n)
{
	const void *p;
	size_t len, nl = strlen(name);

	if (sd_journal_get_data(j, name, &p, &len) < 0 || len <= nl)
		return NULL;
	*n = len - nl - 1;
	return (const char *)p + nl + 1;
}

/* Each entry as an RFC 5424 line (the syslog decoder's), its offset
 * the entry's time in microseconds, times 16, plus its rank among
 * entries of the same microsecond: the same on every reading. */
static void read_journal(struct daemon *d, struct source *s)
{
	char line[VG_MAXLINE_DEFAULT];
	uint32_t si = src_index(d, s);
	int r;

	sd_journal_process(s->j);
	for (;;) {
		struct rbatch *b = batch_get(d, si);
		while (b->n < BATCH_LINES && (r = sd_journal_next(s->j)) > 0) {
			uint64_t us = 0;
			size_t ml = 0, hl = 0, il = 0, pl = 0, prl = 0;
			const char *msg = jfield(s->j, "MESSAGE", &ml);
			const char *host = jfield(s->j, "_HOSTNAME", &hl);
			const char *id = jfield(s->j, "SYSLOG_IDENTIFIER", &il);
			const char *pid = jfield(s->j, "_PID", &pl);
			const char *pri = jfield(s->j, "PRIORITY", &prl);
			char ts[48];
			if (msg == NULL)
				continue;
			if (id == NULL)
				id = jfield(s->j, "_COMM", &il);
			sd_journal_get_realtime_usec(s->j, &us);
			s->jk = us == s->jlast ? s->jk + 1 : 0;
			s->jlast = us;
			vg_time_fmt(ts, (int64_t)us * 1000);
			int n = snprintf(line, sizeof(line),
					 "<%d>1 %s %.*s %.*s %.*s - - %.*s",
					 pri && prl == 1 ? 8 + pri[0] - '0' : 13, ts,
					 host ? (int)(hl > 255 ? 255 : hl) : 1,
					 host ? host : "-",
					 id ? (int)(il > 48 ? 48 : il) : 1,
					 id ? id : "-",
					 pid ? (int)(pl > 32 ? 32 : pl) : 1,
					 pid ? pid : "-", (int)ml, msg);
			if (n < 0)
				continue;
			if ((size_t)n >= sizeof(line))
				n = sizeof(line) - 1;
			batch_add(b, line, (uint32_t)n, 0, us * 16 + s->jk, 0);
		}
		char *c = NULL;
		if (b->n > 0 && sd_journal_get_cursor(s->j, &c) >= 0) {
			snprintf(b->cursor, sizeof(b->cursor), "%s", c);
			free(c);
		}
		if (b->n == 0) {
			batch_put(d, b);
			return;
		}
		if (!push(d, b, true)) {
			batch_put(d, b);
			return;
		}
		if (b->n < BATCH_LINES)
			return;
	}
}

static void on_journal(uv_poll_t *h, int status, int events)
{
	struct source *s = h->data;

	(void)status;
	(void)events;
	read_journal(s->jpoll.loop->data, s);
}

static int start_journal(struct daemon *d, const struct vg_src_cfg *sc)
{
	char name[4200];
	sd_journal *j = NULL;
	struct vg_position p;
	int r, have = 0;

	snprintf(name, sizeof(name), "journald%s%s", sc->path ? ":" : "",
		 sc->path ? sc->path : "");
	r = sc->path ? sd_journal_open_directory(&j, sc->path, 0)
		     : sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY);
	if (r < 0) {
		logmsg("%s: cannot open the journal: %s", name, strerror(-r));
		return -1;
	}
	struct source *s = source_new(d, SK_JOURNAL, name, VG_FMT_SYSLOG);
	if (s == NULL) {
		sd_journal_close(j);
		return -1;
	}
	s->j = j;
	have = vg_store_get_position(d->rd, name, &p, true);
	if (have != 1)
		have = vg_store_get_position(d->rd, name, &p, false);
	if (have == 1 && p.cursor[0] &&
	    sd_journal_seek_cursor(j, p.cursor) >= 0 &&
	    sd_journal_next(j) > 0) {
		/* on the saved entry: the next one is news */
		snprintf(s->cursor, sizeof(s->cursor), "%s", p.cursor);
	} else {
		/* the first start: what is there is history */
		sd_journal_seek_tail(j);
		sd_journal_previous(j);
		char *c = NULL;
		if (sd_journal_get_cursor(j, &c) >= 0) {
			snprintf(s->cursor, sizeof(s->cursor), "%s", c);
			free(c);
		}
	}
	memcpy(s->start_cursor, s->cursor, sizeof(s->cursor));
	s->start_saved = have == 1;
	int fd = sd_journal_get_fd(j);
	if (fd >= 0 && uv_poll_init(&d->loop, &s->jpoll, fd) == 0) {
		s->jpoll.data = s;
		uv_poll_start(&s->jpoll, UV_READABLE, on_journal);
	}
	return 0; /* read once the worker runs (the timer, the poll) */
}

/* ---- standard input (its own thread: it may be a file or a pipe) ---- */

static void *stdin_main(void *arg)
{
	struct daemon *d = arg;
	struct source *s = find_source(d, "-");
	uint32_t si = src_index(d, s);
	char err[512];
	struct vg_reader *r = vg_reader_open("-", 0, err, sizeof(err));
	struct vg_record rec[256];
	uint32_t n;

	if (r == NULL) {
		logmsg("%s", err);
		return NULL;
	}
	while (!atomic_load(&d->fatal)) {
		if (vg_reader_read(r, rec, 256, &n, err, sizeof(err)) != 0) {
			logmsg("standard input: %s", err);
			break;
		}
		if (n == 0)
			break;
		struct rbatch *b = batch_get(d, si);
		for (uint32_t i = 0; i < n; i++)
			batch_add(b, rec[i].p, rec[i].len, rec[i].flags,
				  s->seq + rec[i].offset, rec[i].lineno);
		if (!push(d, b, true)) {
			batch_put(d, b);
			break;
		}
	}
	vg_reader_close(r);
	return NULL;
}

/* ---- the worker ---- */

static void fatal(struct daemon *d, const char *what)
{
	if (atomic_load(&d->fatal))
		return;
	snprintf(d->fatal_msg, sizeof(d->fatal_msg), "the store: %s: %s", what,
		 vg_store_error(d->st));
	atomic_store(&d->fatal, 1);
}

static bool begin(struct daemon *d)
{
	if (d->intx)
		return true;
	if (atomic_load(&d->fatal))
		return false;
	if (vg_store_begin(d->st) != 0) {
		fatal(d, "beginning a transaction");
		return false;
	}
	d->intx = true;
	d->tx_start = now_ns();
	return true;
}

static void on_match(const struct vg_match *m, void *arg)
{
	struct daemon *d = arg;
	const struct vg_rule_info *r = m->rule;
	char ent[3][256];
	struct vg_alert a;
	struct vg_decision dec;
	int64_t id = 0, inc;

	if (!begin(d))
		return;
	vg_alert_fill(&a, m, d->cur->name, &d->js, ent);
	int rc = vg_store_add_alert(d->st, &a, &id);
	if (rc < 0) {
		fatal(d, "adding an alert");
		return;
	}
	if (rc == 1) { /* read again after a restart: already there */
		atomic_fetch_add(&d->replayed, 1);
		return;
	}
	atomic_fetch_add(&d->alerts, 1);
	atomic_fetch_add(&d->per_rule[r->index], 1);
	inc = vg_incidents_file(d->inc, d->st, id, &a, r->tags, r->ntags);
	if (inc < 0) {
		fatal(d, "filing an incident");
		return;
	}
	int dr = vg_respond_decide(d->resp, d->st, &a, id, r->title, &dec);
	if (dr < 0) {
		fatal(d, "adding a decision");
		return;
	}
	if (d->quiet)
		return;
	struct vg_buf o;
	char ts[48] = "-", left[48];
	vg_buf_init(&o, 1u << 16);
	if (m->ts != VG_TS_NONE)
		vg_time_fmt(ts, m->ts);
	vg_buf_printf(&o, "%s %s ", ts, vg_level_name(r->level));
	vg_esc_term(&o, r->title, strlen(r->title));
	if (a.src_ip) {
		vg_buf_puts(&o, " ip=");
		vg_esc_term(&o, a.src_ip, strlen(a.src_ip));
	}
	if (a.user) {
		vg_buf_puts(&o, " user=");
		vg_esc_term(&o, a.user, strlen(a.user));
	}
	vg_buf_printf(&o, " incident=%" PRId64, inc);
	if (dr == 1) {
		vg_go_duration(dec.until - dec.created, left, sizeof(left));
		vg_buf_printf(&o, " ban=%s/%s%s", dec.value, left,
			      dec.simulated ? "(simulated)" : "");
	}
	vg_buf_putc(&o, '\n');
	if (fwrite(o.p, 1, o.len, stdout) != o.len || fflush(stdout) != 0)
		d->quiet = true; /* no one reads: stop writing */
	vg_buf_free(&o);
}

static void eval_batch(struct daemon *d)
{
	for (uint32_t i = 0; i < d->vb->n && !atomic_load(&d->fatal); i++)
		vg_sigma_eval(d->sg, &d->vb->ev[i], on_match, d);
	d->events_since_snap += d->vb->n;
	atomic_fetch_add(&d->events, d->vb->n);
	vg_batch_reset(d->vb);
}

static void process(struct daemon *d, struct rbatch *b)
{
	struct source *s = d->src[b->src];
	int64_t now = now_ns();
	uint64_t undecoded = 0, bytes = 0;

	d->cur = s;
	if (s->dc_ref == 0 || now - s->dc_ref > 3600 * SEC) {
		vg_decode_ctx_init(&s->dc, now / SEC, s->format);
		s->dc_ref = now;
	}
	for (uint32_t i = 0; i < b->n; i++) {
		struct vg_record r = {.p = b->data + b->r[i].at,
				      .len = b->r[i].len,
				      .flags = b->r[i].flags,
				      .offset = b->r[i].off,
				      .lineno = b->r[i].lineno};
		struct vg_event *ev = vg_decode(&s->dc, d->vb, &r);
		if (ev == NULL && d->vb->n > 0) {
			eval_batch(d);
			ev = vg_decode(&s->dc, d->vb, &r);
		}
		if (ev == NULL || ev->decoder == VG_DEC_NONE)
			undecoded++;
		bytes += r.len + 1;
	}
	/* the counters once a batch, not once a line */
	atomic_fetch_add(&s->records, b->n);
	atomic_fetch_add(&s->undecoded, undecoded);
	atomic_fetch_add(&s->decoded, b->n - undecoded);
	atomic_fetch_add(&s->bytes, bytes);
	eval_batch(d);
	if (b->has_pos) {
		s->pos = b->pos;
		s->pos_dirty = true;
	}
	if (b->cursor[0]) {
		memcpy(s->cursor, b->cursor, sizeof(s->cursor));
		s->pos_dirty = true;
	}
	const struct vg_sigma_stats *ss = vg_sigma_stats(d->sg);
	atomic_store(&d->corr_evicted, ss->corr_evicted);
	atomic_store(&d->corr_groups, ss->corr_groups - ss->corr_expired);
}

static int put_pos(struct daemon *d, struct source *s,
		   const struct vg_fpos *f, bool replay)
{
	char head[32];
	if (s->kind == SK_JOURNAL) {
		const char *c = replay && f == &s->start ? s->start_cursor
							 : s->cursor;
		struct vg_position p = {.source = s->name, .head = "",
					.cursor = c};
		return vg_store_set_position(d->st, &p, replay);
	}
	vg_fpos_head_str(f, head);
	struct vg_position p = {.source = s->name, .inode = f->inode,
				.offset = f->offset, .base = f->base,
				.lineno = f->lineno, .head = head, .cursor = ""};
	return vg_store_set_position(d->st, &p, replay);
}

/* The correlation state with the positions it stands for. */
static int snapshot(struct daemon *d)
{
	int64_t t0 = now_ns();

	vg_buf_reset(&d->snap);
	if (vg_sigma_save(d->sg, &d->snap) != 0) {
		logmsg("the correlation state is over %u MiB: not saved",
		       (unsigned)(d->snap.limit >> 20));
		return 0;
	}
	if (vg_store_put_state(d->st, "correlation", d->snap.p, d->snap.len) !=
		    0 ||
	    vg_store_clear_replay(d->st) != 0)
		return -1;
	for (uint32_t i = 0; i < atomic_load(&d->nsrc); i++) {
		struct source *s = d->src[i];
		if ((s->kind == SK_FILE || s->kind == SK_JOURNAL) &&
		    put_pos(d, s, &s->pos, true) != 0)
			return -1;
		s->start_saved = true;
	}
	d->last_snap = now_ns();
	d->snap_cost = d->last_snap - t0;
	if (d->snap.cap > (16u << 20)) { /* a large state: give it back */
		size_t limit = d->snap.limit;
		vg_buf_free(&d->snap);
		vg_buf_init(&d->snap, limit);
	}
	d->events_since_snap = 0;
	return 0;
}

static void respond_stats(struct daemon *d)
{
	const struct vg_respond_stats *rs = vg_respond_stats(d->resp);

	atomic_store(&d->decisions, rs->decisions);
	atomic_store(&d->simulated, rs->simulated);
	atomic_store(&d->allowlisted, rs->allowlisted);
	atomic_store(&d->enforce_errors, rs->errors);
}

static void commit(struct daemon *d, bool force_snap)
{
	int64_t now = now_ns();
	bool any = d->intx;

	for (uint32_t i = 0; i < atomic_load(&d->nsrc); i++)
		any |= d->src[i]->pos_dirty || !d->src[i]->start_saved;
	if (!any && !force_snap)
		return;
	if (!begin(d))
		return;
	for (uint32_t i = 0; i < atomic_load(&d->nsrc); i++) {
		struct source *s = d->src[i];
		if (s->kind != SK_FILE && s->kind != SK_JOURNAL)
			continue;
		if (!s->start_saved) {
			/* a new source: a restart replays it from its start */
			if (put_pos(d, s, &s->start, true) != 0)
				goto fail;
			s->start_saved = true;
		}
		if (s->pos_dirty && put_pos(d, s, &s->pos, false) != 0)
			goto fail;
	}
	int64_t every = 20 * d->snap_cost;
	if (every < 2 * SEC)
		every = 2 * SEC;
	if ((force_snap || (d->events_since_snap && now - d->last_snap >= every)) &&
	    snapshot(d) != 0)
		goto fail;
	if (vg_store_commit(d->st) != 0) {
		d->intx = false;
		fatal(d, "committing");
		return;
	}
	d->intx = false;
	d->pending_since = 0;
	for (uint32_t i = 0; i < atomic_load(&d->nsrc); i++)
		d->src[i]->pos_dirty = false;
	vg_respond_enforce(d->resp, d->st);
	respond_stats(d);
	return;
fail:
	fatal(d, "saving positions");
	vg_store_rollback(d->st);
	d->intx = false;
}

static void tick(struct daemon *d, int64_t now)
{
	const struct vg_respond_stats *rs;

	vg_respond_tick(d->resp, d->st, now);
	respond_stats(d);
	rs = vg_respond_stats(d->resp);
	if (rs->errors && vg_respond_error(d->resp)[0]) {
		static uint64_t said;
		if (said != rs->errors)
			logmsg("%s", vg_respond_error(d->resp));
		said = rs->errors;
	}
	d->last_tick = now;
}

static struct vg_ruleset *load_rules(const struct vg_config *c);

/* SIGHUP: the rules are read again. The correlation state goes over
 * when the rules it depends on are unchanged; otherwise it starts
 * afresh (and says so). A rule directory that no longer loads keeps the
 * running rules. */
static void reload(struct daemon *d)
{
	struct vg_buf st;
	const char *why = NULL;

	commit(d, true);
	if (atomic_load(&d->fatal))
		return;
	struct vg_ruleset *rs = load_rules(d->c);
	if (rs == NULL) {
		logmsg("SIGHUP: the rules did not load; the running ones stay");
		return;
	}
	struct vg_sigma *sg = vg_sigma_new(rs);
	vg_buf_init(&st, 1u << 30);
	if (vg_sigma_save(d->sg, &st) == 0 &&
	    vg_sigma_restore(sg, st.p, st.len, &why) != 0)
		logmsg("SIGHUP: the correlation state starts afresh (%s)", why);
	vg_buf_free(&st);
	_Atomic uint64_t *per = xcalloc(vg_rules_count(rs) + 1, sizeof(*per));
	pthread_mutex_lock(&d->rules_mu);
	struct vg_ruleset *old_rs = d->rs;
	_Atomic uint64_t *old_per = d->per_rule;
	vg_sigma_free(d->sg);
	d->sg = sg;
	d->rs = rs;
	d->per_rule = per;
	pthread_mutex_unlock(&d->rules_mu);
	vg_rules_free(old_rs);
	free(old_per);
	d->events_since_snap = 1;
	commit(d, true); /* the replay rows now go with the new state */
	logmsg("SIGHUP: %u rules loaded", vg_rules_count(rs));
}

static void *worker_main(void *arg)
{
	struct daemon *d = arg;

	commit(d, false); /* the new sources' starting points */
	tick(d, now_ns());
	for (;;) {
		struct rbatch *b = NULL;
		bool stop;
		pthread_mutex_lock(&d->mu);
		if (d->qn == 0 && !d->qstop) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			/* wake for the commit deadline or the tick */
			ts.tv_nsec += d->pending_since ? 20 * MS : 200 * MS;
			if (ts.tv_nsec >= SEC) {
				ts.tv_sec++;
				ts.tv_nsec -= SEC;
			}
			pthread_cond_timedwait(&d->cv, &d->mu, &ts);
		}
		if (d->qn > 0) {
			b = d->q[d->qhead];
			d->qhead = (d->qhead + 1) % QCAP;
			d->qn--;
			pthread_cond_signal(&d->room);
		}
		unsigned left = d->qn;
		stop = d->qstop && d->qn == 0;
		pthread_mutex_unlock(&d->mu);
		if (atomic_exchange(&d->reload, 0))
			reload(d);
		if (b != NULL) {
			if (!atomic_load(&d->fatal))
				process(d, b);
			batch_put(d, b);
			uv_async_send(&d->wake);
		}
		int64_t now = now_ns();
		if (b != NULL && d->pending_since == 0)
			d->pending_since = now;
		if (!atomic_load(&d->fatal) && d->pending_since &&
		    (left == 0 || now - d->pending_since > COMMIT_NS))
			commit(d, false);
		if (!atomic_load(&d->fatal) && !d->intx &&
		    now - d->last_tick >= SEC)
			tick(d, now);
		if (atomic_load(&d->fatal)) {
			uv_async_send(&d->wake);
			break;
		}
		if (stop)
			break;
	}
	if (!atomic_load(&d->fatal))
		commit(d, true);
	if (d->intx) {
		vg_store_rollback(d->st);
		d->intx = false;
	}
	return NULL;
}

/* ---- /metrics ---- */

static void label(struct vg_buf *o, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			vg_buf_putc(o, '\\');
		if (*s == '\n')
			vg_buf_puts(o, "\\n");
		else if ((unsigned char)*s >= 0x20)
			vg_buf_putc(o, *s);
	}
}

static void metric(struct vg_buf *o, const char *name, const char *type,
		   const char *help)
{
	vg_buf_printf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void render_metrics(struct daemon *d, struct vg_buf *o)
{
	static const struct {
		const char *name, *help;
		size_t field;
	} per_src[] = {
		{"vigie_source_records_total", "Records read.",
		 offsetof(struct source, records)},
		{"vigie_source_decoded_total", "Records a decoder understood.",
		 offsetof(struct source, decoded)},
		{"vigie_source_undecoded_total", "Records no decoder understood.",
		 offsetof(struct source, undecoded)},
		{"vigie_source_dropped_total",
		 "Records dropped because the queue was full (UDP).",
		 offsetof(struct source, dropped)},
		{"vigie_source_bytes_total", "Bytes read.",
		 offsetof(struct source, bytes)},
		{"vigie_source_rotations_total",
		 "Files renamed away (rotated) and read to their end.",
		 offsetof(struct source, rotations)},
		{"vigie_source_truncations_total",
		 "Files copied and truncated (copytruncate) found.",
		 offsetof(struct source, truncations)},
		{"vigie_source_lost_files_total",
		 "Files truncated or gone with no copy of their unread rest.",
		 offsetof(struct source, lost)},
	};
	uint32_t n = atomic_load(&d->nsrc);

	for (size_t k = 0; k < sizeof(per_src) / sizeof(per_src[0]); k++) {
		metric(o, per_src[k].name, "counter", per_src[k].help);
		for (uint32_t i = 0; i < n; i++) {
			_Atomic uint64_t *v =
				(_Atomic uint64_t *)(void *)((char *)d->src[i] +
							      per_src[k].field);
			vg_buf_printf(o, "%s{source=\"", per_src[k].name);
			label(o, d->src[i]->name);
			vg_buf_printf(o, "\"} %" PRIu64 "\n", atomic_load(v));
		}
	}
	metric(o, "vigie_alerts_total", "counter", "Alerts per rule.");
	pthread_mutex_lock(&d->rules_mu);
	for (uint32_t i = 0; i < vg_rules_count(d->rs); i++) {
		uint64_t v = atomic_load(&d->per_rule[i]);
		const struct vg_rule_info *r = vg_rules_info(d->rs, i);
		if (v == 0)
			continue;
		vg_buf_puts(o, "vigie_alerts_total{rule=\"");
		label(o, r->title);
		vg_buf_puts(o, "\",id=\"");
		label(o, r->id ? r->id : "");
		vg_buf_printf(o, "\"} %" PRIu64 "\n", v);
	}
	pthread_mutex_unlock(&d->rules_mu);
	static const struct {
		const char *name, *type, *help;
		size_t field;
	} one[] = {
		{"vigie_events_total", "counter", "Events run through the rules.",
		 offsetof(struct daemon, events)},
		{"vigie_alerts_replayed_total", "counter",
		 "Alerts found again after a restart, already stored.",
		 offsetof(struct daemon, replayed)},
		{"vigie_decisions_total", "counter", "Decisions taken.",
		 offsetof(struct daemon, decisions)},
		{"vigie_decisions_simulated_total", "counter",
		 "Decisions recorded without being enforced.",
		 offsetof(struct daemon, simulated)},
		{"vigie_decisions_allowlisted_total", "counter",
		 "Bans not taken because the address is allowlisted.",
		 offsetof(struct daemon, allowlisted)},
		{"vigie_enforce_errors_total", "counter",
		 "Back-end errors while enforcing.",
		 offsetof(struct daemon, enforce_errors)},
		{"vigie_correlation_groups", "gauge",
		 "Correlation groups held.",
		 offsetof(struct daemon, corr_groups)},
		{"vigie_correlation_evictions_total", "counter",
		 "Correlation groups or entries evicted by the memory caps.",
		 offsetof(struct daemon, corr_evicted)},
		{"vigie_syslog_framing_errors_total", "counter",
		 "Syslog connections closed for bad framing.",
		 offsetof(struct daemon, framing_errors)},
	};
	for (size_t k = 0; k < sizeof(one) / sizeof(one[0]); k++) {
		_Atomic uint64_t *v =
			(_Atomic uint64_t *)(void *)((char *)d + one[k].field);
		metric(o, one[k].name, one[k].type, one[k].help);
		vg_buf_printf(o, "%s %" PRIu64 "\n", one[k].name, atomic_load(v));
	}
	metric(o, "vigie_queue_depth", "gauge",
	       "Batches waiting for the detection worker.");
	vg_buf_printf(o, "vigie_queue_depth %u\n", qdepth(d));
	metric(o, "vigie_queue_capacity", "gauge", "Batches the queue holds.");
	vg_buf_printf(o, "vigie_queue_capacity %d\n", QCAP);
}

static enum MHD_Result http_cb(void *cls, struct MHD_Connection *c,
			       const char *url, const char *method,
			       const char *version, const char *data,
			       size_t *size, void **ctx)
{
	struct daemon *d = cls;
	struct vg_buf o;
	unsigned status = MHD_HTTP_OK;
	enum MHD_Result rc;

	(void)version;
	(void)data;
	(void)size;
	(void)ctx;
	vg_buf_init(&o, 64u << 20);
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		status = MHD_HTTP_METHOD_NOT_ALLOWED;
		vg_buf_puts(&o, "GET only\n");
	} else if (strcmp(url, "/metrics") == 0) {
		render_metrics(d, &o);
	} else if (strcmp(url, "/health") == 0) {
		vg_buf_puts(&o, atomic_load(&d->fatal) ? "failing\n" : "ok\n");
		if (atomic_load(&d->fatal))
			status = MHD_HTTP_SERVICE_UNAVAILABLE;
	} else {
		status = MHD_HTTP_NOT_FOUND;
		vg_buf_puts(&o, "not found: /metrics, /health\n");
	}
	struct MHD_Response *r = MHD_create_response_from_buffer(
		o.len, o.p, MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(r, "Content-Type",
				"text/plain; version=0.0.4; charset=utf-8");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	vg_buf_free(&o);
	return rc;
}

/* ---- start and stop ---- */

static void close_one(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (uv_is_closing(h))
		return;
	if (h->type == UV_TCP && h->data && *(int *)h->data == 1)
		uv_close(h, conn_closed);
	else
		uv_close(h, NULL);
}

static void on_signal(uv_signal_t *h, int sig)
{
	struct daemon *d = h->data;

	if (sig == SIGHUP) {
		atomic_store(&d->reload, 1);
		pthread_mutex_lock(&d->mu);
		pthread_cond_signal(&d->cv);
		pthread_mutex_unlock(&d->mu);
		kick_all(d);
		return;
	}
	logmsg("stopping (%s)", sig == SIGINT ? "SIGINT" : "SIGTERM");
	uv_stop(&d->loop);
}

static int lock_state(struct daemon *d, const char *dir)
{
	char path[4200], pid[32];

	snprintf(path, sizeof(path), "%s/vigie.pid", dir);
	d->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (d->lockfd < 0) {
		logmsg("%s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(d->lockfd, LOCK_EX | LOCK_NB) != 0) {
		ssize_t n = read(d->lockfd, pid, sizeof(pid) - 1);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		logmsg("%s is in use by another vigie run (pid %s)", dir,
		       pid[0] ? pid : "?");
		return -1;
	}
	int n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(d->lockfd, 0) != 0 || pwrite(d->lockfd, pid, (size_t)n, 0) != n) {
		logmsg("%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static struct vg_ruleset *load_rules(const struct vg_config *c)
{
	/* the compiled rules are kept with the state, unless the user's
	 * VIGIE_CACHE_DIR says otherwise */
	char cache[4200];
	snprintf(cache, sizeof(cache), "%s/cache", c->state_dir);
	if (getenv("VIGIE_CACHE_DIR") != NULL)
		snprintf(cache, sizeof(cache), "%s", vg_rules_cache_dir());
	struct vg_ruleset_opts o = {.mapping = c->mapping,
				    .placeholders = c->placeholders,
				    .corr_max_groups = c->corr_max_groups,
				    .corr_max_events = c->corr_max_events,
				    .cache_dir = cache};
	char err[1024];
	struct vg_ruleset *rs = vg_rules_new(&o, err, sizeof(err));

	if (rs == NULL) {
		logmsg("%s", err);
		return NULL;
	}
	for (size_t i = 0; i < c->nrules; i++)
		if (vg_rules_load(rs, c->rules[i], err, sizeof(err)) != 0) {
			logmsg("rules: %s", err);
			vg_rules_free(rs);
			return NULL;
		}
	if (vg_rules_compile(rs, err, sizeof(err)) != 0) {
		logmsg("rules: %s", err);
		vg_rules_free(rs);
		return NULL;
	}
	if (vg_rules_nrefused(rs) > 0)
		logmsg("%u rules refused (vigie rules check -r DIR says why)",
		       vg_rules_nrefused(rs));
	return rs;
}

int vg_daemon_run(const struct vg_config *c, bool quiet)
{
	struct daemon *d = xcalloc(1, sizeof(*d));
	char err[1024];
	int rc = 1;
	struct vg_buf st;

	d->c = c;
	d->quiet = quiet;
	d->lockfd = -1;
	/* a closed standard output or peer is an error to handle, not a
	 * reason to die between two commits */
	signal(SIGPIPE, SIG_IGN);
	pthread_mutex_init(&d->mu, NULL);
	pthread_mutex_init(&d->rules_mu, NULL);
	pthread_cond_init(&d->cv, NULL);
	pthread_cond_init(&d->room, NULL);
	vg_buf_init(&d->js, 64u << 20);
	vg_buf_init(&d->snap, 1u << 30);
	vg_buf_init(&st, 1u << 30);
	vg_decode_init();

	d->st = vg_store_open(c->state_dir, false, err, sizeof(err));
	if (d->st == NULL) {
		logmsg("%s", err);
		goto out;
	}
	if (lock_state(d, c->state_dir) != 0)
		goto out;
	d->rs = load_rules(c);
	if (d->rs == NULL)
		goto out;
	d->sg = vg_sigma_new(d->rs);
	d->per_rule = xcalloc(vg_rules_count(d->rs) + 1, sizeof(*d->per_rule));
	d->inc = vg_incidents_new(c->incident_window, NULL, err, sizeof(err));
	if (d->inc == NULL) {
		logmsg("%s", err);
		goto out;
	}
	d->resp = vg_respond_new(c, err, sizeof(err));
	if (d->resp == NULL) {
		logmsg("response: %s", err);
		goto out;
	}
	d->vb = vg_batch_new(BATCH_LINES);
	/* the saved correlation state, if the rules are the same */
	int have = vg_store_get_state(d->st, "correlation", &st);
	const char *why = NULL;
	if (have < 0) {
		logmsg("the store: %s", vg_store_error(d->st));
		goto out;
	}
	if (have == 1 && vg_sigma_restore(d->sg, st.p, st.len, &why) != 0)
		logmsg("the saved correlation state is not used: %s", why);
	if (have != 1 || why != NULL) {
		/* no state to replay with: go on from the positions */
		if (vg_store_begin(d->st) != 0 || vg_store_clear_replay(d->st) != 0 ||
		    vg_store_commit(d->st) != 0) {
			logmsg("the store: %s", vg_store_error(d->st));
			goto out;
		}
	}
	/* the loop thread's own connection, to look positions up */
	d->rd = vg_store_open(c->state_dir, true, err, sizeof(err));
	if (d->rd == NULL) {
		logmsg("%s", err);
		goto out;
	}

	/* servers */
	if (c->api_listen != NULL) {
		int fd = vg_listen_tcp(c->api_listen, err, sizeof(err));
		if (fd < 0) {
			logmsg("api %s", err);
			goto out;
		}
		d->http = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0,
					   NULL, NULL, http_cb, d,
					   MHD_OPTION_LISTEN_SOCKET, fd,
					   MHD_OPTION_CONNECTION_LIMIT,
					   (unsigned)64,
					   MHD_OPTION_CONNECTION_TIMEOUT,
					   (unsigned)10, MHD_OPTION_END);
		if (d->http == NULL) {
			close(fd);
			logmsg("api %s: cannot serve", c->api_listen);
			goto out;
		}
	}
	if (c->response.lapi_listen != NULL) {
		d->lapi = vg_lapi_start(c->response.lapi_listen, c->state_dir,
					err, sizeof(err));
		if (d->lapi == NULL) {
			logmsg("crowdsec decision stream %s", err);
			goto out;
		}
	}

	/* sources */
	uv_loop_init(&d->loop);
	d->loop.data = d;
	d->ls = xcalloc(c->nsrc + 1, sizeof(*d->ls));
	bool only_stdin = c->nsrc > 0;
	for (size_t i = 0; i < c->nsrc; i++) {
		const struct vg_src_cfg *sc = &c->src[i];
		only_stdin &= sc->kind == VG_SRC_STDIN;
		switch (sc->kind) {
		case VG_SRC_FILE:
			watch_dir(d, sc->path);
			if (!is_glob(sc->path))
				file_source(d, sc->path, sc->format,
					    !sc->from_start);
			break;
		case VG_SRC_SYSLOG:
			if (start_syslog(d, sc) != 0)
				goto out_loop;
			break;
		case VG_SRC_STDIN:
			if (find_source(d, "-") == NULL)
				source_new(d, SK_STDIN, "-", sc->format);
			break;
		case VG_SRC_JOURNALD:
			/* the defaults try the journal; a file names it */
			if (start_journal(d, sc) != 0 && c->file != NULL)
				goto out_loop;
			break;
		}
	}
	scan_globs(d, true);

	uv_async_init(&d->loop, &d->wake, on_wake);
	d->wake.data = d;
	uv_idle_init(&d->loop, &d->pump);
	d->pump.data = d;
	uv_check_init(&d->loop, &d->flush);
	d->flush.data = d;
	uv_check_start(&d->flush, flush_cb);
	uv_timer_init(&d->loop, &d->timer);
	d->timer.data = d;
	uv_timer_start(&d->timer, on_timer, POLL_MS, POLL_MS);
	static const int sigs[3] = {SIGINT, SIGTERM, SIGHUP};
	for (int i = 0; i < 3; i++) {
		uv_signal_init(&d->loop, &d->sig[i]);
		d->sig[i].data = d;
		uv_signal_start(&d->sig[i], on_signal, sigs[i]);
	}
	start_watches(d);
	if (pthread_create(&d->worker, NULL, worker_main, d) != 0) {
		logmsg("cannot start the worker thread");
		goto out_loop;
	}
	if (find_source(d, "-") != NULL) {
		d->stdin_running =
			pthread_create(&d->stdin_thr, NULL, stdin_main, d) == 0;
	}
	logmsg("running: %u sources, %u rules (prefilter %s), state in %s%s",
	       atomic_load(&d->nsrc), vg_rules_count(d->rs),
	       vg_rules_prefilter_from(d->rs), c->state_dir,
	       c->response.mode == VG_RESP_ENFORCE    ? ", enforcing"
	       : c->response.mode == VG_RESP_SIMULATE ? ", simulating bans"
						      : ", no bans");
	kick_all(d);
	if (only_stdin && d->stdin_running) {
		/* the input decides when to stop */
		pthread_join(d->stdin_thr, NULL);
		d->stdin_running = false;
	} else {
		uv_run(&d->loop, UV_RUN_DEFAULT);
	}
	d->stopping = true;
	flush_cb(&d->flush);
	pthread_mutex_lock(&d->mu);
	d->qstop = true;
	pthread_cond_broadcast(&d->cv);
	pthread_cond_broadcast(&d->room);
	pthread_mutex_unlock(&d->mu);
	pthread_join(d->worker, NULL);
	if (d->stdin_running)
		pthread_cancel(d->stdin_thr), pthread_join(d->stdin_thr, NULL);
	if (atomic_load(&d->fatal)) {
		logmsg("%s; stopped. What was committed is intact; the next "
		       "start goes on from there",
		       d->fatal_msg);
		rc = 1;
	} else {
		logmsg("stopped: %" PRIu64 " events, %" PRIu64 " alerts",
		       atomic_load(&d->events), atomic_load(&d->alerts));
		rc = 0;
	}
out_loop:
	uv_walk(&d->loop, close_one, NULL);
	uv_run(&d->loop, UV_RUN_DEFAULT);
	uv_loop_close(&d->loop);
out:
	if (d->http)
		MHD_stop_daemon(d->http);
	vg_lapi_stop(d->lapi);
	for (uint32_t i = 0; i < atomic_load(&d->nsrc); i++) {
		if (d->src[i]->j)
			sd_journal_close(d->src[i]->j);
		vg_follow_free(d->src[i]->fw);
		free(d->src[i]->name);
		free(d->src[i]);
	}
	for (size_t i = 0; i < d->nw; i++)
		free(d->w[i].dir);
	free(d->w);
	free(d->ls);
	/* batches the worker left queued (it stopped on an error) */
	for (; d->qn > 0; d->qn--, d->qhead = (d->qhead + 1) % QCAP)
		batch_put(d, d->q[d->qhead]);
	while (d->free_b) {
		struct rbatch *b = d->free_b;
		d->free_b = b->next;
		free(b->r);
		free(b->data);
		free(b);
	}
	if (d->vb)
		vg_batch_free(d->vb);
	vg_respond_free(d->resp);
	vg_incidents_free(d->inc);
	vg_sigma_free(d->sg);
	vg_rules_free(d->rs);
	free(d->per_rule);
	vg_store_close(d->rd);
	vg_store_close(d->st);
	if (d->lockfd >= 0)
		close(d->lockfd);
	vg_buf_free(&d->js);
	vg_buf_free(&d->snap);
	vg_buf_free(&st);
	pthread_mutex_destroy(&d->mu);
	pthread_mutex_destroy(&d->rules_mu);
	free(d);
	return rc;
}
