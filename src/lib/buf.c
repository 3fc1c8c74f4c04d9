/* Bounded dynamic buffer (see buf.h). */
#include "buf.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <unistd.h>

#include "vg_err.h"
#include "xmalloc.h"

void vg_buf_init(struct vg_buf *b, size_t limit)
{
	b->p = NULL;
	b->len = b->cap = 0;
	b->limit = limit;
}

void vg_buf_free(struct vg_buf *b)
{
	free(b->p);
	vg_buf_init(b, b->limit);
}

int vg_buf_grow(struct vg_buf *b, size_t n)
{
	size_t want, cap;

	if (n <= b->cap - b->len)
		return 0;
	if (n > b->limit || b->len > b->limit - n)
		return VG_E_TOOBIG;
	want = b->len + n;
	cap = b->cap ? b->cap : 256;
	while (cap < want)
		cap = cap > SIZE_MAX / 2 ? want : cap * 2;
	if (cap > b->limit)
		cap = b->limit;
	b->p = xreallocarray(b->p, cap, 1);
	b->cap = cap;
	return 0;
}

int vg_buf_puts(struct vg_buf *b, const char *s)
{
	return vg_buf_put(b, s, strlen(s));
}

int vg_buf_putu(struct vg_buf *b, unsigned long long v)
{
	char d[24], *o = d + sizeof(d);

	do
		*--o = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	return vg_buf_put(b, o, (size_t)(d + sizeof(d) - o));
}

int vg_buf_pad(struct vg_buf *b, const char *s, size_t width)
{
	size_t n = strnlen(s, width);

	if (vg_buf_reserve(b, width) != 0)
		return VG_E_TOOBIG;
	memcpy(b->p + b->len, s, n);
	memset(b->p + b->len + n, ' ', width - n);
	b->len += width;
	return 0;
}

/* Formats into the room already there; only when that is too small is
 * the text measured, room made, and formatted again. */
int vg_buf_printf(struct vg_buf *b, const char *fmt, ...)
{
	va_list ap;
	size_t room = b->cap - b->len;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? b->p + b->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return VG_E_INVAL;
	if ((size_t)n < room) {
		b->len += (size_t)n;
		return 0;
	}
	if (vg_buf_reserve(b, (size_t)n + 1) != 0)
		return VG_E_TOOBIG;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

const char *vg_buf_cstr(struct vg_buf *b)
{
	if (vg_buf_reserve(b, 1) != 0)
		return NULL;
	b->p[b->len] = '\0';
	return b->p;
}

int vg_buf_flush(struct vg_buf *b, int fd)
{
	size_t off = 0;

	while (off < b->len) {
		ssize_t n = write(fd, b->p + off, b->len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return VG_E_IO;
		}
		off += (size_t)n;
	}
	b->len = 0;
	return 0;
}
