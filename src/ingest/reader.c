/* Line framing over read(2) or zlib's gzread, into one buffer that holds
 * at least two maximal records. Records are handed out in place; the
 * buffer is compacted only at the start of a call, when no record handed
 * out before can still be in use. */
#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "../lib/vg_err.h"
#include "../lib/xmalloc.h"

struct vg_reader {
	char *path;
	int fd;
	gzFile gz;
	char *buf;
	size_t cap, start, end;
	size_t maxline;
	uint64_t base; /* stream offset of buf[0] */
	uint64_t lineno;
	uint64_t size;
	int64_t mtime;
	int eof, skipping, is_stdin;
	struct vg_reader_stats st;
};

struct vg_reader *vg_reader_open(const char *path, size_t maxline, char *err,
				 size_t errlen)
{
	struct vg_reader *r;
	struct stat sb;
	unsigned char magic[2];
	ssize_t got;
	int fd;

	if (maxline == 0)
		maxline = VG_MAXLINE_DEFAULT;
	if (strcmp(path, "-") == 0) {
		fd = dup(STDIN_FILENO);
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) != 0 || S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "%s: %s", path,
			 S_ISDIR(sb.st_mode) ? "is a directory"
					     : strerror(errno));
		close(fd);
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->path = xstrdup(path);
	r->fd = fd;
	r->maxline = maxline;
	r->cap = maxline * 2 > (1u << 20) ? maxline * 2 : (1u << 20);
	r->buf = xmalloc(r->cap);
	r->is_stdin = strcmp(path, "-") == 0;
	r->mtime = r->is_stdin || !S_ISREG(sb.st_mode) ? (int64_t)time(NULL)
						       : (int64_t)sb.st_mtime;
	r->size = S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0;

	/* gzip is recognised by content, not by name: only regular files
	 * can be peeked at and rewound. */
	if (S_ISREG(sb.st_mode)) {
		got = pread(fd, magic, 2, 0);
		if (got == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
			r->gz = gzdopen(fd, "rb");
			if (r->gz == NULL) {
				snprintf(err, errlen, "%s: cannot open gzip",
					 path);
				vg_reader_close(r);
				return NULL;
			}
			r->fd = -1; /* owned by zlib now */
			gzbuffer(r->gz, 256 * 1024);
		}
	}
	return r;
}

static ssize_t fill(struct vg_reader *r)
{
	size_t room = r->cap - r->end;
	ssize_t n;

	if (r->gz != NULL) {
		int k = gzread(r->gz, r->buf + r->end,
			       room > (1u << 30) ? (1u << 30) : (unsigned)room);
		if (k < 0)
			return -1;
		if (k == 0) {
			int e = Z_OK;

			gzerror(r->gz, &e);
			if (e != Z_OK && e != Z_STREAM_END)
				return -1; /* truncated or corrupt */
		}
		n = k;
	} else {
		do
			n = read(r->fd, r->buf + r->end, room);
		while (n < 0 && errno == EINTR);
	}
	if (n > 0)
		r->end += (size_t)n;
	return n;
}

static void compact(struct vg_reader *r)
{
	if (r->start == 0)
		return;
	memmove(r->buf, r->buf + r->start, r->end - r->start);
	r->base += r->start;
	r->end -= r->start;
	r->start = 0;
}

static void emit(struct vg_reader *r, struct vg_record *rec, size_t off,
		 size_t len, uint32_t flags)
{
	if (flags == 0 && len > 0 && r->buf[off + len - 1] == '\r')
		len--;
	rec->p = r->buf + off;
	rec->len = (uint32_t)len;
	rec->flags = flags;
	rec->offset = r->base + off;
	rec->lineno = r->lineno;
	r->st.records++;
}

int vg_reader_read(struct vg_reader *r, struct vg_record *rec, uint32_t max,
		   uint32_t *n, char *err, size_t errlen)
{
	uint32_t k = 0;

	while (k < max) {
		size_t avail = r->end - r->start;
		char *s = r->buf + r->start, *nl;
		ssize_t got;

		if (r->skipping) {
			nl = memchr(s, '\n', avail);
			if (nl != NULL) {
				r->start = (size_t)(nl + 1 - r->buf);
				r->skipping = 0;
				continue;
			}
			r->start = r->end;
		} else if (avail > 0 &&
			   (nl = memchr(s, '\n', avail)) != NULL) {
			size_t len = (size_t)(nl - s);

			r->lineno++;
			if (len == 0 || (len == 1 && s[0] == '\r')) {
				r->st.blank++;
			} else if (len > r->maxline) {
				r->st.oversize++;
				emit(r, &rec[k++], r->start, r->maxline,
				     VG_REC_TRUNCATED);
			} else {
				emit(r, &rec[k++], r->start, len, 0);
			}
			r->start += len + 1;
			continue;
		} else if (avail > r->maxline) {
			/* A line longer than the bound: hand out its head and
			 * skip the rest, which may need further reads. The
			 * batch stops here so the head stays in place. */
			r->lineno++;
			r->st.oversize++;
			emit(r, &rec[k++], r->start, r->maxline,
			     VG_REC_TRUNCATED);
			r->start = r->end;
			r->skipping = 1;
			break;
		} else if (r->eof) {
			if (avail > 0) {
				r->lineno++;
				emit(r, &rec[k++], r->start, avail, 0);
				r->start = r->end;
			}
			break;
		}
		/* More bytes are needed; the buffer may only move while no
		 * record of this call is out. */
		if (r->eof || k > 0)
			break;
		compact(r);
		got = fill(r);
		if (got < 0) {
			snprintf(err, errlen, "%s: read error: %s", r->path,
				 r->gz ? "corrupt or truncated gzip data"
				       : strerror(errno));
			*n = 0;
			return VG_E_IO;
		}
		if (got == 0)
			r->eof = 1;
	}
	r->st.bytes = r->base + r->start;
	*n = k;
	return 0;
}

int64_t vg_reader_mtime(const struct vg_reader *r)
{
	return r->mtime;
}

uint64_t vg_reader_size(const struct vg_reader *r)
{
	return r->size;
}

uint64_t vg_reader_pos(const struct vg_reader *r)
{
	if (r->gz != NULL)
		return (uint64_t)gzoffset(r->gz);
	return r->base + r->end;
}

const char *vg_reader_path(const struct vg_reader *r)
{
	return r->path;
}

int vg_reader_is_gzip(const struct vg_reader *r)
{
	return r->gz != NULL;
}

const struct vg_reader_stats *vg_reader_stats(const struct vg_reader *r)
{
	return &r->st;
}

int vg_reader_looks_binary(struct vg_reader *r)
{
	size_t look;

	while (!r->eof && r->end - r->start < 4096) {
		compact(r);
		ssize_t got = fill(r);
		if (got <= 0) {
			r->eof = got == 0;
			if (got < 0)
				return 0;
		}
	}
	look = r->end - r->start < 4096 ? r->end - r->start : 4096;
	return memchr(r->buf + r->start, '\0', look) != NULL;
}

void vg_reader_close(struct vg_reader *r)
{
	if (r == NULL)
		return;
	if (r->gz != NULL)
		gzclose(r->gz);
	else if (r->fd >= 0)
		close(r->fd);
	free(r->buf);
	free(r->path);
	free(r);
}
