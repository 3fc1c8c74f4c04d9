/* Growable byte buffer with a hard size bound set at creation. Appending
 * past the bound fails with VG_E_TOOBIG and leaves the buffer unchanged. */
#ifndef VG_BUF_H
#define VG_BUF_H
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "vg_err.h"

struct vg_buf {
	char *p;
	size_t len, cap, limit;
};

/* Prepares an empty buffer that never grows past limit bytes. */
void vg_buf_init(struct vg_buf *b, size_t limit);
void vg_buf_free(struct vg_buf *b);
static inline void vg_buf_reset(struct vg_buf *b) { b->len = 0; }

/* Makes room for n more bytes. Returns 0 or VG_E_TOOBIG. */
int vg_buf_grow(struct vg_buf *b, size_t n);
static inline int vg_buf_reserve(struct vg_buf *b, size_t n)
{
	return n <= b->cap - b->len ? 0 : vg_buf_grow(b, n);
}

/* Append; each returns 0 or VG_E_TOOBIG. */
static inline int vg_buf_put(struct vg_buf *b, const void *p, size_t n)
{
	if (vg_buf_reserve(b, n) != 0)
		return VG_E_TOOBIG;
	if (n != 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}
int vg_buf_puts(struct vg_buf *b, const char *s);
/* v in decimal. */
int vg_buf_putu(struct vg_buf *b, unsigned long long v);
/* s cut to at most width bytes, then padded with spaces to width (what
 * printf's "%-W.Ws" does, without its cost). */
int vg_buf_pad(struct vg_buf *b, const char *s, size_t width);
int vg_buf_printf(struct vg_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline int vg_buf_putc(struct vg_buf *b, char c)
{
	if (b->len < b->cap) {
		b->p[b->len++] = c;
		return 0;
	}
	return vg_buf_put(b, &c, 1);
}

/* Returns a NUL-terminated view of the contents (the NUL is not counted
 * in len), or NULL when the bound leaves no room for it. */
const char *vg_buf_cstr(struct vg_buf *b);

/* Writes the whole buffer to fd and empties it. Returns 0 or VG_E_IO. */
int vg_buf_flush(struct vg_buf *b, int fd);

#endif
