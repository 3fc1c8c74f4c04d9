/* Following a log file across rotations (see follow.h).
 *
 * The follower reads with pread at its own offset, frames lines in a
 * buffer, and at end of file asks what became of the path:
 *   - another inode there (renamed away, or deleted and re-created): the
 *     old generation is complete, so a last unterminated line is handed
 *     out and the new file is read from its start;
 *   - the same inode but shorter than what was read, or with other first
 *     bytes (copied and truncated, perhaps refilled since): the copy is
 *     looked for among path.* by its head, and its remainder read first;
 *     without a copy the bytes past the truncation are counted as lost.
 * A file truncated and refilled past the reading offset before a read
 * would hand out the new generation's bytes as the old one's: so after
 * each read the head is checked again, and a changed head turns the
 * bytes just read into a truncation found (the copy holds the right
 * ones). A renamed file is read to its end once more after the new one
 * is seen, for what its writer added in between.
 * A restart does the same search for the saved generation. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/xmalloc.h"
#include "follow.h"

struct vg_follow {
	char *path, *dir, *name;
	size_t maxline;
	int fd;
	uint64_t ino;
	bool other;    /* fd is a rotated sibling, read to its end first */
	bool skipping; /* inside a line longer than maxline */
	uint64_t off;  /* offset in the generation of buf[0] */
	uint64_t base, lineno;
	uint32_t headlen;
	uint64_t head;
	char *buf;
	size_t cap, len;
	struct vg_follow_stats st;
};

static uint64_t fnv(const char *p, size_t n)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)p[i]) * 1099511628211ull;
	return h;
}

/* Hash of the first n bytes of fd; -1 when it has fewer. */
static int head_of(int fd, uint32_t n, uint64_t *h)
{
	char b[VG_HEAD_MAX];
	ssize_t r = n ? pread(fd, b, n, 0) : 0;

	if (r < 0 || (uint32_t)r != n)
		return -1;
	*h = fnv(b, n);
	return 0;
}

struct vg_follow *vg_follow_new(const char *path, size_t maxline)
{
	struct vg_follow *f = xcalloc(1, sizeof(*f));
	const char *slash = strrchr(path, '/');

	f->path = xstrdup(path);
	f->dir = slash ? xstrndup(path, (size_t)(slash - path) + (slash == path))
		       : xstrdup(".");
	f->name = xstrdup(slash ? slash + 1 : path);
	f->maxline = maxline ? maxline : VG_MAXLINE_DEFAULT;
	f->cap = f->maxline + 1 > 256u * 1024 ? f->maxline + 1 : 256u * 1024;
	f->buf = xmalloc(f->cap);
	f->fd = -1;
	return f;
}

void vg_follow_free(struct vg_follow *f)
{
	if (f == NULL)
		return;
	if (f->fd >= 0)
		close(f->fd);
	free(f->buf);
	free(f->path);
	free(f->dir);
	free(f->name);
	free(f);
}

static void set_fd(struct vg_follow *f, int fd, bool other)
{
	struct stat sb;

	if (f->fd >= 0 && f->fd != fd)
		close(f->fd);
	f->fd = fd;
	f->other = other;
	f->ino = fd >= 0 && fstat(fd, &sb) == 0 ? (uint64_t)sb.st_ino : 0;
}

/* A new generation under path, read from its start. */
static void open_new(struct vg_follow *f)
{
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);

	set_fd(f, fd, false);
	f->off = 0;
	f->len = 0;
	f->skipping = false;
	f->headlen = 0;
	f->head = fnv("", 0);
}

/* Is fd the generation described by (ino, headlen, head), at least
 * `need` bytes long? by_ino: the inode must match too. */
static bool same_gen(int fd, uint64_t ino, uint32_t headlen, uint64_t head,
		     uint64_t need, bool by_ino)
{
	struct stat sb;
	uint64_t h;

	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    (uint64_t)sb.st_size < need)
		return false;
	if (by_ino && (uint64_t)sb.st_ino != ino)
		return false;
	return head_of(fd, headlen, &h) == 0 && h == head;
}

bool vg_log_compressed(const char *n)
{
	static const char *const ext[] = {".gz", ".bz2", ".xz", ".zst",
					  ".lz4", ".Z"};
	size_t nl = strlen(n);

	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		size_t el = strlen(ext[i]);
		if (nl > el && strcmp(n + nl - el, ext[i]) == 0)
			return true;
	}
	return false;
}

/* The rotated sibling (path.1, path-20261122…) holding the generation:
 * same inode first, else same head; an open fd or -1. */
static int find_sibling(struct vg_follow *f, uint64_t ino, uint32_t headlen,
			uint64_t head, uint64_t need)
{
	DIR *d = opendir(f->dir);
	struct dirent *e;
	size_t nl = strlen(f->name);
	int best = -1;
	bool best_ino = false;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL && !best_ino) {
		char p[4096];
		if (strncmp(e->d_name, f->name, nl) != 0 ||
		    e->d_name[nl] == '\0' || vg_log_compressed(e->d_name))
			continue;
		if (snprintf(p, sizeof(p), "%s/%s", f->dir, e->d_name) >=
		    (int)sizeof(p))
			continue;
		int fd = open(p, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			continue;
		if (ino != 0 && same_gen(fd, ino, headlen, head, need, true)) {
			if (best >= 0)
				close(best);
			best = fd;
			best_ino = true;
		} else if (best < 0 && headlen > 0 &&
			   same_gen(fd, ino, headlen, head, need, false)) {
			best = fd;
		} else {
			close(fd);
		}
	}
	closedir(d);
	return best;
}

static int64_t mtime_ns(const struct stat *sb)
{
	return (int64_t)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec;
}

/* The rotated sibling (not the inode skip) modified first after `after`
 * (ns): an open fd, or -1. */
static int oldest_after(struct vg_follow *f, int64_t after, uint64_t skip)
{
	DIR *d = opendir(f->dir);
	struct dirent *e;
	struct stat sb;
	size_t nl = strlen(f->name);
	int64_t best_m = INT64_MAX;
	char best[4096] = "";

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		char p[4096];
		if (strncmp(e->d_name, f->name, nl) != 0 ||
		    e->d_name[nl] == '\0' || vg_log_compressed(e->d_name) ||
		    snprintf(p, sizeof(p), "%s/%s", f->dir, e->d_name) >=
			    (int)sizeof(p) ||
		    stat(p, &sb) != 0 || !S_ISREG(sb.st_mode) ||
		    (uint64_t)sb.st_ino == skip)
			continue;
		int64_t m = mtime_ns(&sb);
		if (m > after && m < best_m) {
			best_m = m;
			memcpy(best, p, sizeof(p));
		}
	}
	closedir(d);
	return best[0] ? open(best, O_RDONLY | O_CLOEXEC | O_NONBLOCK) : -1;
}

void vg_follow_start(struct vg_follow *f, const struct vg_fpos *pos,
		     bool from_end)
{
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);
	struct stat sb;

	if (pos == NULL) {
		set_fd(f, fd, false);
		f->off = 0;
		f->head = fnv("", 0);
		if (fd >= 0 && from_end && fstat(fd, &sb) == 0 && sb.st_size > 0) {
			/* after the last complete line */
			uint64_t size = (uint64_t)sb.st_size;
			uint64_t from = size > f->cap ? size - f->cap : 0;
			ssize_t n = pread(fd, f->buf, (size_t)(size - from), from);
			while (n > 0 && f->buf[n - 1] != '\n')
				n--;
			f->off = n > 0 ? from + (uint64_t)n : from;
		}
		return;
	}
	f->base = pos->base;
	f->lineno = pos->lineno;
	f->off = pos->offset;
	f->headlen = pos->headlen;
	f->head = pos->head;
	if (pos->inode == 0) { /* the file did not exist yet */
		if (fd >= 0)
			close(fd);
		open_new(f);
		/* file times step by the kernel's clock tick: 20 ms of slack */
		int first = pos->saved_ns
				    ? oldest_after(f, pos->saved_ns - 20000000, 0)
				    : -1;
		if (first >= 0) {
			/* created, then rotated away while no one read */
			set_fd(f, first, true);
			f->st.rotations++;
		}
		return;
	}
	if (fd >= 0 && same_gen(fd, pos->inode, pos->headlen, pos->head,
				pos->offset, true)) {
		set_fd(f, fd, false);
		return;
	}
	if (fd >= 0)
		close(fd);
	int sib = find_sibling(f, pos->inode, pos->headlen, pos->head,
			       pos->offset);
	if (sib >= 0) {
		set_fd(f, sib, true);
		f->st.rotations++;
		return;
	}
	/* the generation is gone: what followed the position is lost */
	f->st.lost++;
	f->base = pos->base + pos->offset;
	open_new(f);
}

/* Hands out the lines complete in buf; returns how many. */
static uint32_t frame(struct vg_follow *f, uint32_t max, bool final,
		      vg_line_fn fn, void *arg)
{
	size_t at = 0;
	uint32_t n = 0;

	while (n < max && at < f->len) {
		char *nl = memchr(f->buf + at, '\n', f->len - at);
		size_t end = nl ? (size_t)(nl - f->buf) : f->len;
		if (nl == NULL && !final && f->len - at <= f->maxline)
			break;
		size_t ll = end - at;
		uint32_t flags = 0;
		if (f->skipping) {
			/* the rest of an over-long line */
			if (nl == NULL) {
				at = f->len;
				break;
			}
			f->skipping = false;
			at = end + 1;
			continue;
		}
		if (ll > f->maxline) {
			ll = f->maxline;
			flags = VG_REC_TRUNCATED;
			f->st.truncated_lines++;
			if (nl == NULL)
				f->skipping = true;
		}
		size_t l2 = ll;
		if (l2 && f->buf[at + l2 - 1] == '\r')
			l2--;
		if (l2 > 0) {
			struct vg_record r = {
				.p = f->buf + at,
				.len = (uint32_t)l2,
				.flags = flags,
				.offset = f->base + f->off + at,
				.lineno = ++f->lineno,
			};
			fn(&r, arg);
			n++;
			f->st.lines++;
		}
		at = nl ? end + 1 : f->len;
	}
	f->st.bytes += at;
	f->off += at;
	memmove(f->buf, f->buf + at, f->len - at);
	f->len -= at;
	return n;
}

/* After a read of r bytes at off + len: the first bytes of the file are
 * read again. They must still hash to the head (and, from the start of
 * a generation, equal the bytes held), or the file was truncated, and
 * perhaps written again, before that read: false. On the way the head
 * grows to VG_HEAD_MAX. */
static bool head_check(struct vg_follow *f, size_t r)
{
	uint64_t have = f->off + f->len + r;
	uint32_t want = have > VG_HEAD_MAX ? VG_HEAD_MAX : (uint32_t)have;
	char b[VG_HEAD_MAX];

	if (want == 0)
		return true;
	if (pread(f->fd, b, want, 0) != (ssize_t)want ||
	    fnv(b, f->headlen) != f->head)
		return false;
	if (f->off == 0 &&
	    memcmp(b, f->buf, want < f->len + r ? want : f->len + r) != 0)
		return false;
	if (want > f->headlen) {
		f->headlen = want;
		f->head = fnv(b, want);
	}
	return true;
}

/* After a rotated generation read to its end: the sibling written next
 * (the oldest one modified after it), when several rotations happened
 * before the reading of it ended (vigie stopped, or behind: renamed,
 * then the next one copied and truncated); -1 when the path itself
 * comes next. */
static int find_successor(struct vg_follow *f)
{
	struct stat cur;

	if (fstat(f->fd, &cur) != 0)
		return -1;
	return oldest_after(f, mtime_ns(&cur), (uint64_t)cur.st_ino);
}

/* The current generation is complete: the next one starts. */
static uint32_t next_gen(struct vg_follow *f, uint32_t max, vg_line_fn fn,
			 void *arg)
{
	uint32_t n = frame(f, max, true, fn, arg);

	if (f->len != 0)
		return n; /* more lines than max: the caller comes back */
	f->base += f->off;
	f->st.rotations++;
	int fd = find_successor(f);
	if (fd >= 0) {
		set_fd(f, fd, true);
		f->off = 0;
		f->skipping = false;
		f->headlen = 0;
		f->head = fnv("", 0);
		return n;
	}
	open_new(f);
	return n;
}

/* The generation under path was copied and truncated: its remainder is
 * read from the copy, or counted as lost when there is none. */
static void truncated(struct vg_follow *f)
{
	f->st.truncations++;
	int sib = find_sibling(f, 0, f->headlen, f->head, f->off + f->len);
	if (sib >= 0) {
		set_fd(f, sib, true);
		return;
	}
	f->st.lost++;
	f->len = 0;
	f->skipping = false;
	f->base += f->off;
	f->off = 0;
	f->headlen = 0;
	f->head = fnv("", 0);
}

/* At end of file: what became of the path? Returns lines handed out,
 * and sets *moved when reading goes on elsewhere. */
static uint32_t at_eof(struct vg_follow *f, uint32_t max, vg_line_fn fn,
		       void *arg, bool *moved)
{
	struct stat sb, fb;
	uint64_t h;

	*moved = false;
	if (f->other) { /* the rotated copy is read: back to the path */
		*moved = true;
		return next_gen(f, max, fn, arg);
	}
	if (stat(f->path, &sb) != 0)
		return 0; /* gone for now: wait for it to come back */
	if ((uint64_t)sb.st_ino != f->ino) {
		*moved = true;
		/* what the writer added between the last read and the rename */
		ssize_t r = f->len < f->cap
				    ? pread(f->fd, f->buf + f->len, f->cap - f->len,
					    (off_t)(f->off + f->len))
				    : 0;
		if (r > 0) {
			f->len += (size_t)r;
			return 0;
		}
		return next_gen(f, max, fn, arg);
	}
	if (fstat(f->fd, &fb) != 0)
		return 0;
	bool shorter = (uint64_t)fb.st_size < f->off + f->len;
	bool other_head = !shorter && f->headlen &&
			  (head_of(f->fd, f->headlen, &h) != 0 || h != f->head);
	if (!shorter && !other_head)
		return 0;
	*moved = true;
	truncated(f);
	return 0;
}

int vg_follow_poll(struct vg_follow *f, uint32_t max, vg_line_fn fn,
		   void *arg, char *err, size_t errlen)
{
	uint32_t n = 0;
	int turns = 0;

	if (f->fd < 0) {
		open_new(f);
		if (f->fd < 0)
			return 0;
	}
	while (n < max && turns < 64) {
		turns++;
		n += frame(f, max - n, false, fn, arg);
		if (n >= max)
			break;
		ssize_t r = pread(f->fd, f->buf + f->len, f->cap - f->len,
				  (off_t)(f->off + f->len));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "%s: %s", f->path, strerror(errno));
			return n ? (int)n : -1;
		}
		if (r > 0 && !head_check(f, (size_t)r) && !f->other) {
			/* truncated before the read: those bytes are the new
			 * generation's, read again from its start later */
			truncated(f);
			continue;
		}
		if (r > 0) {
			f->len += (size_t)r;
			continue;
		}
		bool moved;
		n += at_eof(f, max - n, fn, arg, &moved);
		if (!moved || f->fd < 0)
			break;
	}
	return (int)n;
}


void vg_follow_pos(const struct vg_follow *f, struct vg_fpos *pos)
{
	pos->inode = f->ino;
	pos->offset = f->off;
	pos->base = f->base;
	pos->lineno = f->lineno;
	pos->headlen = f->headlen;
	pos->head = f->head;
}

const char *vg_follow_path(const struct vg_follow *f) { return f->path; }
bool vg_follow_open(const struct vg_follow *f) { return f->fd >= 0; }
const struct vg_follow_stats *vg_follow_stats(const struct vg_follow *f)
{
	return &f->st;
}

void vg_fpos_head_str(const struct vg_fpos *p, char out[32])
{
	snprintf(out, 32, "%u:%016llx", p->headlen, (unsigned long long)p->head);
}

int vg_fpos_head_parse(struct vg_fpos *p, const char *s)
{
	char *end;
	unsigned long len = strtoul(s, &end, 10);

	if (end == s || *end != ':' || len > VG_HEAD_MAX)
		return -1;
	s = end + 1;
	unsigned long long h = strtoull(s, &end, 16);
	if (end == s || *end != '\0' || end - s > 16 || *s == '-' || *s == '+')
		return -1;
	p->headlen = (uint32_t)len;
	p->head = h;
	return 0;
}
