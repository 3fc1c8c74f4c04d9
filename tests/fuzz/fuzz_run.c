/* libFuzzer targets for what vigie run reads besides log lines:
 *   FUZZ_FRAME       syslog over TCP (octet counting or LF), the bytes cut
 *                    in two reads where the first byte says;
 *   FUZZ_CORR_STATE  a saved correlation state read back (a damaged store
 *                    must give an error, never a crash or a wrong state). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/frame.h"
#include "lib/buf.h"
#include "sigma/sigma.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifdef FUZZ_FRAME
static void on_msg(const char *p, size_t n, void *arg)
{
	(void)arg;
	if (n == 0 || n > 512 + 16 || p[n - 1] == '\n')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_frame f;
	char err[128];
	size_t cut = size ? data[0] % (size + 1) : 0;

	vg_frame_init(&f, 512);
	if (vg_frame_feed(&f, (const char *)data, cut, on_msg, NULL, err,
			  sizeof(err)) == 0 &&
	    vg_frame_feed(&f, (const char *)data + cut, size - cut, on_msg, NULL,
			  err, sizeof(err)) == 0)
		vg_frame_end(&f, on_msg, NULL);
	vg_frame_free(&f);
	return 0;
}
#endif

#ifdef FUZZ_CORR_STATE
static const char rules[] =
	"title: failure\nname: f\nlogsource: {product: linux, service: sshd}\n"
	"detection: {s: {event.outcome: failure}, condition: s}\n---\n"
	"title: many\ncorrelation: {type: event_count, rules: [f],"
	" group-by: [source.ip], timespan: 2m, condition: {gte: 3}}\n---\n"
	"title: users\ncorrelation: {type: value_count, rules: [f],"
	" group-by: [source.ip], timespan: 10m, condition: {gte: 3,"
	" field: user.name}}\n";
static struct vg_ruleset *rs;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	const char *why;

	if (rs == NULL) {
		rs = vg_rules_new(&(struct vg_ruleset_opts){0}, err, sizeof(err));
		if (rs == NULL ||
		    vg_rules_load_mem(rs, "fuzz.yml", rules, strlen(rules)) != 0 ||
		    vg_rules_compile(rs, err, sizeof(err)) != 0)
			abort();
	}
	struct vg_sigma *s = vg_sigma_new(rs);
	if (vg_sigma_restore(s, data, size, &why) == 0) {
		/* what was accepted saves back to the same bytes */
		struct vg_buf b;
		vg_buf_init(&b, 1u << 24);
		if (vg_sigma_save(s, &b) != 0 || b.len != size ||
		    memcmp(b.p, data, size) != 0)
			abort();
		vg_buf_free(&b);
	} else {
		/* refused: the state stays empty (the header alone saves) */
		struct vg_buf b;
		vg_buf_init(&b, 1u << 24);
		if (why == NULL || vg_sigma_save(s, &b) != 0 || b.len != 32)
			abort();
		vg_buf_free(&b);
	}
	vg_sigma_free(s);
	return 0;
}
#endif
