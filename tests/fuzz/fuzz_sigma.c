/* libFuzzer targets for the Sigma loader and the condition parser.
 *   FUZZ_SIGMA_RULE: the input is a rule file (YAML, any number of
 *     documents); it is loaded, compiled and run over three events of
 *     different shapes. A refusal must carry a reason.
 *   FUZZ_SIGMA_COND: the input is a condition; it is parsed against a
 *     detection with fixed search identifiers and, when it parses, put in
 *     place of the rule's own condition and evaluated. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "event/event.h"
#include "sigma/sg.h"
#include "sigma/sigma.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const lines[] = {
	"{\"Event\":{\"System\":{\"EventID\":1,\"Channel\":"
	"\"Microsoft-Windows-Sysmon/Operational\"},\"EventData\":{\"Image\":"
	"\"C:\\\\Windows\\\\System32\\\\cmd.exe\",\"CommandLine\":\"cmd /c "
	"whoami\",\"n\":\"7\",\"ip\":\"10.1.2.3\"}}}",
	"Mar  3 10:00:00 web01 sshd[1]: Failed password for root from "
	"198.51.100.7 port 4000 ssh2",
	"198.51.100.9 - - [03/Mar/2026:10:10:00 +0000] \"GET /a?id=1 "
	"HTTP/1.1\" 404 5 \"-\" \"sqlmap\"",
};

static struct vg_batch *batch;

static void on_match(const struct vg_match *m, void *arg)
{
	(void)arg;
	if (m->rule == NULL || m->rule->title == NULL)
		abort();
}

static void run(struct vg_ruleset *rs)
{
	struct vg_sigma *s = vg_sigma_new(rs);
	struct vg_decode_ctx dc;

	vg_decode_ctx_init(&dc, 1767225600, VG_FMT_AUTO);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct vg_record rec = {.p = lines[i],
					.len = (uint32_t)strlen(lines[i]),
					.lineno = 1};
		vg_batch_reset(batch);
		const struct vg_event *ev = vg_decode(&dc, batch, &rec);
		if (ev != NULL)
			vg_sigma_eval(s, ev, on_match, NULL);
	}
	vg_sigma_flush(s, on_match, NULL);
	vg_sigma_free(s);
}

#if defined(FUZZ_SIGMA_RULE)
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	struct vg_ruleset *rs;

	if (batch == NULL)
		batch = vg_batch_new(4);
	rs = vg_rules_new(NULL, err, sizeof(err));
	if (rs == NULL)
		abort();
	vg_rules_load_mem(rs, "fuzz.yml", (const char *)data, size);
	if (vg_rules_compile(rs, err, sizeof(err)) == 0)
		run(rs);
	for (uint32_t i = 0; i < vg_rules_nrefused(rs); i++)
		if (vg_rules_refused(rs, i)->reason[0] == '\0')
			abort();
	vg_rules_free(rs);
	return 0;
}
#elif defined(FUZZ_SIGMA_COND)
static const char rule[] =
	"title: c\nlogsource: {product: windows}\ndetection:\n"
	"  sel: {CommandLine|exists: true}\n"
	"  sel_a: {n|gt: 3}\n"
	"  sel_b: {missing: null}\n"
	"  filter_1: {ip|cidr: 10.0.0.0/8}\n"
	"  filter_2: {Image|re: 'cmd'}\n"
	"  _x: {n|lt: 100}\n"
	"  condition: sel\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vg_ruleset *rs;
	char err[256], *cond;
	struct vg_arena *a;

	if (batch == NULL) {
		batch = vg_batch_new(4);
		rs = vg_rules_new(NULL, err, sizeof(err));
		vg_rules_load_mem(rs, "c.yml", rule, strlen(rule));
		if (vg_rules_compile(rs, err, sizeof(err)) != 0 ||
		    vg_rules_count(rs) != 1)
			abort();
	}
	if (size > 4096)
		return 0;
	cond = malloc(size + 1);
	memcpy(cond, data, size);
	cond[size] = '\0';
	a = vg_arena_new(64u << 10, 64u << 20);
	struct sg_rule *r = rs->r[0];
	struct sg_detect saved = r->det, d = r->det;
	d.c = NULL;
	d.nc = 0;
	if (sg_cond_parse(a, &d, cond, err, sizeof(err)) == 0) {
		if (d.root >= d.nc)
			abort();
		r->det = d;
		run(rs);
		r->det = saved;
	} else if (err[0] == '\0') {
		abort();
	}
	vg_arena_free(a);
	free(cond);
	return 0;
}
#endif
