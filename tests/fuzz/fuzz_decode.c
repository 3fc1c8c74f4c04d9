/* libFuzzer entry points for every parser: each decoder, the syslog
 * envelope, the time parsers, the JSON reader and the line framer. One
 * file, one target per -DFUZZ_* macro. Besides not crashing, each target
 * checks what must always hold: fields lie inside the input or the arena,
 * the JSON output of an event has no raw control byte. */
#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "decode/dec_internal.h"
#include "decode/decode.h"
#include "event/event_json.h"
#include "ingest/reader.h"
#include "lib/buf.h"
#include "lib/vtime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vg_batch *batch;
static struct vg_buf out;

static __attribute__((unused)) void check_json(const struct vg_event *ev)
{
	out.len = 0;
	if (vg_event_json(&out, ev, "x", VG_EJ_RAW) != 0)
		return;
	for (size_t i = 0; i < out.len; i++)
		if ((unsigned char)out.p[i] < 0x20)
			abort(); /* a raw control byte reached the output */
}

static __attribute__((unused)) bool same_fields(const struct vg_event *a,
						 const struct vg_event *b)
{
	if (a->nfields != b->nfields || a->ts != b->ts)
		return false;
	for (uint32_t i = 0; i < a->nfields; i++) {
		const struct vg_field *x = &a->fields[i], *y = &b->fields[i];
		if (x->id != y->id || x->len != y->len || x->flags != y->flags ||
		    memcmp(x->p, y->p, x->len) != 0)
			return false;
	}
	return true;
}

static __attribute__((unused)) void setup(void)
{
	if (batch == NULL) {
		vg_decode_init();
		batch = vg_batch_new(4);
		vg_buf_init(&out, 64u << 20);
	}
	vg_batch_reset(batch);
}

#if defined(FUZZ_READER)
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz", 0);
	char path[64], err[256];
	struct vg_record rec[16];
	uint32_t n;
	struct vg_reader *r;

	if (fd < 0)
		return 0;
	if (size > 0 && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	r = vg_reader_open(path, 64, err, sizeof(err));
	if (r != NULL) {
		uint64_t total = 0;
		while (vg_reader_read(r, rec, 16, &n, err, sizeof(err)) == 0 &&
		       n > 0) {
			for (uint32_t i = 0; i < n; i++) {
				if (rec[i].len > 64 ||
				    memchr(rec[i].p, '\n', rec[i].len) != NULL)
					abort();
				total += rec[i].len;
			}
		}
		if (total > size)
			abort();
		vg_reader_close(r);
	}
	close(fd);
	return 0;
}
#elif defined(FUZZ_TIME)
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_timectx tc;
	const char *p = (const char *)data;
	int64_t ts;
	char buf[48];

	vg_timectx_init(&tc, 1735689600);
	if (vg_time_rfc3164(&tc, p, size, &ts) > size ||
	    vg_time_iso8601(&tc, p, size, &ts) > size ||
	    vg_time_clf(p, size, &ts) > size ||
	    vg_time_slashed(&tc, p, size, &ts) > size ||
	    vg_time_ctime(&tc, p, size, &ts) > size)
		abort();
	if (size >= 8) {
		int64_t v;
		memcpy(&v, data, 8);
		if (vg_time_fmt(buf, v) >= sizeof(buf))
			abort();
	}
	return 0;
}
#else
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_decode_ctx dc;
	struct vg_event *ev;
	const char *p = (const char *)data;

	if (size > (1u << 20))
		return 0;
	setup();
	vg_decode_ctx_init(&dc, 1735689600, VG_FMT_AUTO);
	ev = vg_batch_begin(batch, p, (uint32_t)size);
	assert(ev != NULL);
#if defined(FUZZ_SYSLOG)
	vg_dec_syslog(&dc, batch, ev, p, size);
#elif defined(FUZZ_SSHD)
	vg_dec_sshd(batch, ev, p, size);
#elif defined(FUZZ_SUDO)
	vg_dec_sudo(batch, ev, p, size);
#elif defined(FUZZ_SU)
	vg_dec_su(batch, ev, p, size);
#elif defined(FUZZ_PAM)
	vg_dec_pam(batch, ev, p, size);
#elif defined(FUZZ_LOGIND)
	vg_dec_logind(batch, ev, p, size);
#elif defined(FUZZ_ACCOUNTS)
	vg_dec_accounts(batch, ev, p, size);
#elif defined(FUZZ_WEB_ACCESS)
	vg_dec_web_access(&dc, batch, ev, p, size);
#elif defined(FUZZ_WEB_BRACKETED)
	vg_dec_web_bracketed(&dc, batch, ev, p, size);
#elif defined(FUZZ_NGINX_ERROR)
	vg_dec_nginx_error(&dc, batch, ev, p, size);
#elif defined(FUZZ_APACHE_ERROR)
	vg_dec_apache_error(&dc, batch, ev, p, size);
#elif defined(FUZZ_JSON)
	/* where the CPU can, the 64-byte way of decoding escapes and the
	 * 16-byte way must give the same event */
	if (vg_json_wide(true)) {
		bool ok = vg_dec_json(&dc, batch, ev, p, size);
		struct vg_event *e2 = vg_batch_begin(batch, p, (uint32_t)size);
		assert(e2 != NULL);
		vg_json_wide(false);
		if (vg_dec_json(&dc, batch, e2, p, size) != ok)
			abort();
		if (ok && !same_fields(ev, e2))
			abort();
	} else {
		vg_dec_json(&dc, batch, ev, p, size);
	}
#elif defined(FUZZ_KV)
	vg_dec_kv(&dc, batch, ev, p, size);
#elif defined(FUZZ_AUTO)
	{
		struct vg_record rec = {.p = p, .len = (uint32_t)size};
		vg_batch_reset(batch);
		ev = vg_decode(&dc, batch, &rec);
	}
#else
#error "no FUZZ_* target selected"
#endif
	/* Every value lies in the input or is a decoder-owned string. */
	for (uint32_t i = 0; i < ev->nfields; i++) {
		const struct vg_field *f = &ev->fields[i];
		if (f->p >= p && f->p < p + size && f->p + f->len > p + size)
			abort();
	}
	check_json(ev);
	return 0;
}
#endif
