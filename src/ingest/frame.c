/* Octet-counted and LF-framed syslog over a stream (frame.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/xmalloc.h"
#include "frame.h"

void vg_frame_init(struct vg_frame *f, size_t max)
{
	memset(f, 0, sizeof(*f));
	f->max = max ? max : 64u * 1024;
}

void vg_frame_free(struct vg_frame *f)
{
	free(f->buf);
	f->buf = NULL;
	f->len = f->cap = 0;
}

static void emit(struct vg_frame *f, const char *p, size_t n, vg_msg_fn fn,
		 void *arg)
{
	while (n && (p[n - 1] == '\r' || p[n - 1] == '\n' || p[n - 1] == '\0'))
		n--;
	if (n == 0)
		return;
	f->messages++;
	fn(p, n, arg);
}

/* Frames what buf[0..len) holds; returns bytes used, or -1. */
static long frame(struct vg_frame *f, vg_msg_fn fn, void *arg, char *err,
		  size_t errlen)
{
	size_t at = 0;

	while (at < f->len) {
		const char *p = f->buf + at;
		size_t left = f->len - at;
		if (*p >= '1' && *p <= '9') {
			size_t i = 0, cnt = 0;
			while (i < left && i < 9 && p[i] >= '0' && p[i] <= '9')
				cnt = cnt * 10 + (size_t)(p[i++] - '0');
			if (i == left)
				break; /* the count goes on in the next read */
			if (p[i] != ' ' || cnt > f->max) {
				snprintf(err, errlen,
					 p[i] != ' ' ? "a message count is not "
						       "followed by a space"
						     : "a message of %zu bytes, "
						       "over the %zu allowed",
					 cnt, f->max);
				return -1;
			}
			if (left - i - 1 < cnt)
				break;
			emit(f, p + i + 1, cnt, fn, arg);
			at += i + 1 + cnt;
			continue;
		}
		const char *nl = memchr(p, '\n', left);
		if (nl == NULL || (size_t)(nl - p) > f->max) {
			if (left > f->max) {
				snprintf(err, errlen,
					 "a line longer than %zu bytes", f->max);
				return -1;
			}
			break;
		}
		emit(f, p, (size_t)(nl - p), fn, arg);
		at += (size_t)(nl - p) + 1;
	}
	return (long)at;
}

int vg_frame_feed(struct vg_frame *f, const char *p, size_t n, vg_msg_fn fn,
		  void *arg, char *err, size_t errlen)
{
	while (n > 0) {
		if (f->cap - f->len < 4096 && f->len < f->max + 16) {
			f->cap = f->cap ? f->cap * 2 : 16384;
			f->buf = xreallocarray(f->buf, f->cap, 1);
		}
		size_t take = f->cap - f->len < n ? f->cap - f->len : n;
		memcpy(f->buf + f->len, p, take);
		f->len += take;
		p += take;
		n -= take;
		long used = frame(f, fn, arg, err, errlen);
		if (used < 0)
			return -1;
		memmove(f->buf, f->buf + used, f->len - (size_t)used);
		f->len -= (size_t)used;
	}
	return 0;
}

void vg_frame_end(struct vg_frame *f, vg_msg_fn fn, void *arg)
{
	emit(f, f->buf, f->len, fn, arg);
	f->len = 0;
}
