/* Decoding: one record in, one event out. The envelope of a record
 * (syslog header, web access line, JSON object…) is recognised from its
 * first bytes; a syslog message is then handed to the decoder of its
 * program (sshd, sudo…), looked up in one table. Every decoder is a
 * bounded cursor parser; none allocates outside the batch. */
#ifndef VG_DECODE_H
#define VG_DECODE_H
#include <stddef.h>
#include <stdint.h>

#include "../event/event.h"
#include "../ingest/reader.h"
#include "../lib/vtime.h"

enum vg_decoder {
	VG_DEC_NONE = 0,
	VG_DEC_SYSLOG,       /* syslog envelope, message not understood */
	VG_DEC_SSHD,
	VG_DEC_SUDO,
	VG_DEC_SU,
	VG_DEC_PAM,
	VG_DEC_LOGIND,
	VG_DEC_ACCOUNTS,     /* useradd, usermod, groupadd, passwd… */
	VG_DEC_WEB_ACCESS,   /* nginx/Apache combined, common, vhost */
	VG_DEC_NGINX_ERROR,
	VG_DEC_APACHE_ERROR,
	VG_DEC_JSON,
	VG_DEC_KV,
	VG_DEC__N
};

/* Envelope formats a caller may force instead of recognition. */
enum vg_format {
	VG_FMT_AUTO = 0,
	VG_FMT_SYSLOG,
	VG_FMT_WEB,
	VG_FMT_JSON,
	VG_FMT_KV,
};

/* JSON records of one input mostly repeat their keys in the same order:
 * the k-th name of the record before is tried first, before interning. */
#define VG_JSON_KEYCACHE 128
#define VG_JSON_KEYHASH 512 /* a power of two */

struct vg_json_key {
	const char *name; /* interned, lives for the process's life */
	uint32_t len;
	uint16_t id;
};

struct vg_decode_ctx {
	struct vg_timectx tc;
	enum vg_format format;
	struct vg_json_key jkey[VG_JSON_KEYCACHE]; /* by the key's rank */
	struct vg_json_key jhash[VG_JSON_KEYHASH]; /* by its bytes */
};

/* Must run once before decoding (names, templates); idempotent. */
void vg_decode_init(void);

/* Prepares ctx for one input whose reference instant (for stamps without
 * a year) is ref, UTC seconds. */
void vg_decode_ctx_init(struct vg_decode_ctx *dc, int64_t ref,
			enum vg_format format);

/* Decodes rec into a new event of b. Returns the event (always, even
 * when nothing but the raw line could be kept: VG_EV_UNDECODED), or NULL
 * when the batch is full. */
struct vg_event *vg_decode(struct vg_decode_ctx *dc, struct vg_batch *b,
			   const struct vg_record *rec);

/* Decodes a bare message of a known program (the part after "prog: "),
 * adding fields to ev. Returns the decoder that took it, or VG_DEC_NONE. */
enum vg_decoder vg_decode_program(struct vg_batch *b, struct vg_event *ev,
				  const char *prog, size_t proglen,
				  const char *msg, size_t n);

const char *vg_decoder_name(enum vg_decoder d);
/* Parses a --format name; returns 0 and sets *f, or VG_E_INVAL. */
int vg_format_parse(const char *s, enum vg_format *f);

#endif
