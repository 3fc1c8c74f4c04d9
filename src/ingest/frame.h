/* Syslog over a byte stream (RFC 6587): each message is either
 * octet-counted ("LEN SP MSG", LEN without a leading zero) or ends with
 * LF; the two may alternate on one connection. Bounded: a count or a
 * line beyond the limit is a framing error, after which the connection
 * should be closed. */
#ifndef VG_FRAME_H
#define VG_FRAME_H
#include <stddef.h>
#include <stdint.h>

struct vg_frame {
	char *buf;
	size_t len, cap, max;
	uint64_t messages;
};

typedef void (*vg_msg_fn)(const char *msg, size_t len, void *arg);

/* max: the longest message (0: 64 KiB). */
void vg_frame_init(struct vg_frame *f, size_t max);
void vg_frame_free(struct vg_frame *f);

/* Adds n bytes; hands out each complete message. Returns 0, or -1 on a
 * framing error (message in err). */
int vg_frame_feed(struct vg_frame *f, const char *p, size_t n, vg_msg_fn fn,
		  void *arg, char *err, size_t errlen);

/* End of stream: a last line without LF is handed out. */
void vg_frame_end(struct vg_frame *f, vg_msg_fn fn, void *arg);

#endif
