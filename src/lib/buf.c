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

int vg_buf_printf(struct vg_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return VG_E_INVAL;
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
