/* Sigma semantics, case by case, from the specification's own examples
 * and its tricky corners: values and wildcards, every modifier, every
 * condition form, every correlation type, filters, and refusals. Events
 * are JSON lines decoded by vigie's own decoder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/lib/buf.h"
#include "../../src/sigma/sigma.h"
#include "../testutil.h"

static char mapping_path[] = "/tmp/vigie-test-mapping-XXXXXX";
static char ph_path[] = "/tmp/vigie-test-ph-XXXXXX";

static void write_tmp(char *path, const char *text)
{
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static int setup(void **state)
{
	(void)state;
	write_tmp(mapping_path,
		  "logsources:\n"
		  "  - logsource: {product: test}\n"
		  "    when: {'@decoder': json}\n"
		  "  - logsource: {product: test, category: renamed}\n"
		  "    when: {kind: renamed}\n"
		  "    fields: {Image: NewProcessName}\n");
	write_tmp(ph_path, "Admins: [alice, 'bob*']\nServers: srv1\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(mapping_path);
	unlink(ph_path);
	return 0;
}

static struct vg_ruleset *load_with(const char *yaml, const char *mapping)
{
	struct vg_ruleset_opts o = {.mapping = mapping,
				    .placeholders = ph_path,
				    .corr_max_groups = 0};
	char err[256] = "";
	struct vg_ruleset *rs = vg_rules_new(&o, err, sizeof(err));

	if (rs == NULL)
		fail_msg("%s", err);
	vg_rules_load_mem(rs, "test.yml", yaml, strlen(yaml));
	assert_int_equal(vg_rules_compile(rs, err, sizeof(err)), 0);
	return rs;
}

static struct vg_ruleset *load(const char *yaml)
{
	struct vg_ruleset *rs = load_with(yaml, mapping_path);

	if (vg_rules_nrefused(rs) > 0)
		fail_msg("refused: %s", vg_rules_refused(rs, 0)->reason);
	return rs;
}

struct tally {
	int n;
	char seen[64][128];
	char groups[16][256];
	int ngroups;
	double value;
};

static void on_match(const struct vg_match *m, void *arg)
{
	struct tally *t = arg;

	if (t->n < 64)
		snprintf(t->seen[t->n], sizeof(t->seen[0]), "%s", m->rule->title);
	if (m->group != NULL && t->ngroups < 16) {
		snprintf(t->groups[t->ngroups++], sizeof(t->groups[0]), "%s",
			 m->group);
		t->value = m->value;
	}
	t->n++;
}

/* Runs the events through the rules; returns the detections. */
static struct tally run(struct vg_ruleset *rs, const char *const *ev,
			size_t n)
{
	struct tally t = {0};
	struct vg_sigma *s = vg_sigma_new(rs);

	for (size_t i = 0; i < n; i++) {
		const struct vg_event *e = tu_decode(ev[i]);
		assert_non_null(e);
		assert_int_equal(e->decoder, VG_DEC_JSON);
		vg_sigma_eval(s, e, on_match, &t);
	}
	vg_sigma_flush(s, on_match, &t);
	vg_sigma_free(s);
	return t;
}

/* Whether a detection (the part under "detection:") matches one event. */
static bool m1(const char *detection, const char *event)
{
	char yaml[8192];
	snprintf(yaml, sizeof(yaml),
		 "title: t\nlogsource: {product: test}\ndetection:\n%s",
		 detection);
	struct vg_ruleset *rs = load(yaml);
	struct tally t = run(rs, &event, 1);
	vg_rules_free(rs);
	return t.n > 0;
}

/* The reason a rule is refused, or "" when it loads. */
static const char *refusal(const char *yaml)
{
	static char why[512];
	struct vg_ruleset *rs = load_with(yaml, mapping_path);

	snprintf(why, sizeof(why), "%s",
		 vg_rules_nrefused(rs) ? vg_rules_refused(rs, 0)->reason : "");
	if (vg_rules_nrefused(rs))
		snprintf(why + strlen(why), sizeof(why) - strlen(why), " @%u",
			 vg_rules_refused(rs, 0)->line);
	vg_rules_free(rs);
	return why;
}

#define SEL(x) "  sel:\n" x "  condition: sel\n"

static void test_plain_values(void **state)
{
	(void)state;
	/* case-insensitive equality, whole value */
	assert_true(m1(SEL("    Image: 'C:\\Windows\\System32\\CMD.exe'\n"),
		       "{\"Image\":\"c:\\\\windows\\\\system32\\\\cmd.exe\"}"));
	assert_false(m1(SEL("    Image: 'cmd.exe'\n"),
			"{\"Image\":\"c:\\\\windows\\\\system32\\\\cmd.exe\"}"));
	/* numbers compare as text */
	assert_true(m1(SEL("    EventID: 4688\n"), "{\"EventID\":4688}"));
	assert_false(m1(SEL("    EventID: 4688\n"), "{\"EventID\":46880}"));
	/* a list is OR, a map is AND */
	assert_true(m1(SEL("    a: [x, y]\n    b: z\n"),
		       "{\"a\":\"Y\",\"b\":\"z\"}"));
	assert_false(m1(SEL("    a: [x, y]\n    b: z\n"),
			"{\"a\":\"y\",\"b\":\"w\"}"));
	/* a list of maps is OR of ANDs */
	assert_true(m1(SEL("    - {a: 1, b: 2}\n    - {a: 3}\n"),
		       "{\"a\":3,\"b\":9}"));
	assert_false(m1(SEL("    - {a: 1, b: 2}\n    - {a: 3}\n"),
			"{\"a\":1,\"b\":9}"));
	/* a missing field never equals */
	assert_false(m1(SEL("    a: x\n"), "{\"b\":\"x\"}"));
	/* array elements: any one */
	assert_true(m1(SEL("    tags: beta\n"),
		       "{\"tags\":[\"alpha\",\"beta\"]}"));
}

static void test_wildcards_and_escapes(void **state)
{
	(void)state;
	assert_true(m1(SEL("    c: '*\\\\cmd.exe /c *'\n"),
		       "{\"c\":\"C:\\\\x\\\\cmd.exe /c whoami\"}"));
	assert_true(m1(SEL("    c: 'who?mi'\n"), "{\"c\":\"WHOAMI\"}"));
	assert_false(m1(SEL("    c: 'who?mi'\n"), "{\"c\":\"whomi\"}"));
	assert_true(m1(SEL("    c: 'a*b*c'\n"), "{\"c\":\"a--b--b--c\"}"));
	assert_false(m1(SEL("    c: 'a*b*c'\n"), "{\"c\":\"a--c--b\"}"));
	/* \* is a plain star, \? a plain question mark */
	assert_true(m1(SEL("    c: 'x\\*y'\n"), "{\"c\":\"x*y\"}"));
	assert_false(m1(SEL("    c: 'x\\*y'\n"), "{\"c\":\"xzzy\"}"));
	assert_true(m1(SEL("    c: 'what\\?'\n"), "{\"c\":\"what?\"}"));
	assert_false(m1(SEL("    c: 'what\\?'\n"), "{\"c\":\"whatX\"}"));
	/* \\* is a backslash then a wildcard */
	assert_true(m1(SEL("    c: 'dir\\\\*'\n"),
		       "{\"c\":\"dir\\\\anything\"}"));
	assert_false(m1(SEL("    c: 'dir\\\\*'\n"), "{\"c\":\"dirX\"}"));
	/* a lone backslash is itself; \\\\ is two backslashes */
	assert_true(m1(SEL("    c: 'a\\b'\n"), "{\"c\":\"a\\\\b\"}"));
	assert_true(m1(SEL("    c: 'a\\\\\\\\b'\n"),
		       "{\"c\":\"a\\\\\\\\b\"}"));
	assert_false(m1(SEL("    c: 'a\\\\\\\\b'\n"), "{\"c\":\"a\\\\b\"}"));
	/* three backslashes and a star: a backslash and a plain star */
	assert_true(m1(SEL("    c: 'a\\\\\\*'\n"), "{\"c\":\"a\\\\*\"}"));
	assert_false(m1(SEL("    c: 'a\\\\\\*'\n"), "{\"c\":\"a\\\\x\"}"));
}

static void test_null_and_empty(void **state)
{
	(void)state;
	assert_true(m1(SEL("    a: null\n"), "{\"b\":1}"));
	assert_true(m1(SEL("    a: null\n"), "{\"a\":null}"));
	assert_false(m1(SEL("    a: null\n"), "{\"a\":\"x\"}"));
	assert_true(m1(SEL("    a: ''\n"), "{\"a\":\"\"}"));
	assert_false(m1(SEL("    a: ''\n"), "{\"a\":\"x\"}"));
	assert_false(m1(SEL("    a: ''\n"), "{\"b\":\"\"}"));
	/* a quoted 'null' is the text null */
	assert_true(m1(SEL("    a: 'null'\n"), "{\"a\":\"NULL\"}"));
}

static void test_keywords(void **state)
{
	(void)state;
	const char *kw = "  keywords:\n    - 'Failed password'\n    - 'bad*user'\n"
			 "  condition: keywords\n";
	assert_true(m1(kw, "{\"msg\":\"sshd: failed PASSWORD for root\"}"));
	assert_true(m1(kw, "{\"msg\":\"a BAD evil USER\"}"));
	assert_false(m1(kw, "{\"msg\":\"accepted password\"}"));
	/* |all on keywords: every one */
	const char *all = "  keywords:\n    '|all': [alpha, beta]\n"
			  "  condition: keywords\n";
	assert_true(m1(all, "{\"m\":\"beta then alpha\"}"));
	assert_false(m1(all, "{\"m\":\"alpha only\"}"));
}

static void test_modifiers_generic(void **state)
{
	(void)state;
	const char *ev = "{\"c\":\"powershell.exe -enc AAAA -nop\"}";
	assert_true(m1(SEL("    c|contains: '-ENC'\n"), ev));
	assert_true(m1(SEL("    c|startswith: 'PowerShell'\n"), ev));
	assert_false(m1(SEL("    c|startswith: 'enc'\n"), ev));
	assert_true(m1(SEL("    c|endswith: '-NOP'\n"), ev));
	assert_false(m1(SEL("    c|endswith: 'power'\n"), ev));
	/* all with contains: every value, in any order */
	assert_true(m1(SEL("    c|contains|all: ['-nop', '-enc']\n"), ev));
	assert_false(m1(SEL("    c|contains|all: ['-nop', '-hidden']\n"), ev));
	/* without all, any */
	assert_true(m1(SEL("    c|contains: ['-nop', '-hidden']\n"), ev));
	/* all over the values of a repeated field */
	const char *two = "{\"c\":[\"x -nop\",\"-ENC y\"]}";
	assert_true(m1(SEL("    c|contains|all: ['-nop', '-enc']\n"), two));
	assert_false(m1(SEL("    c|contains|all: ['-nop', '-w']\n"), two));
	/* a value whose literal the scan did not see is false without a
	 * test; seen in any value of the field, it is tested as usual */
	const char *det = "  sel:\n    c|contains: ['-nop', '-enc']\n"
			  "  filter:\n    c|contains: '-enc'\n"
			  "  condition: sel and not filter\n";
	assert_true(m1(det, "{\"c\":\"a -nop\"}"));
	assert_false(m1(det, "{\"c\":\"a -nop -enc\"}"));
	assert_false(m1(det, "{\"c\":[\"a -nop\",\"b -ENC\"]}"));
	/* all whose longest literal was not seen is false before any value
	 * is searched; the rule is confirmed through its other selection */
#define ZZZ_ALL                                                                \
	"  a:\n    c|contains: 'zzz'\n"                                      \
	"  b:\n    c|contains|all: ['-nop', '-encodedcommand']\n"
	static const struct {
		const char *det, *ev;
		bool want;
	} pre[] = {
		{ZZZ_ALL "  condition: a and b\n", "{\"c\":\"zzz -nop\"}", false},
		{ZZZ_ALL "  condition: a and b\n",
		 "{\"c\":\"zzz -nop -EncodedCommand\"}", true},
		{ZZZ_ALL "  condition: a and b\n",
		 "{\"c\":[\"zzz -nop\",\"-ENCODEDCOMMAND x\"]}", true},
		{ZZZ_ALL "  condition: a and b\n",
		 "{\"c\":[\"zzz\",\"-ENCODEDCOMMAND x\"]}", false},
		{ZZZ_ALL "  condition: a or not b\n", "{\"c\":\"zzz -nop\"}", true},
		{ZZZ_ALL "  condition: a or not b\n", "{\"c\":\"-nop\"}", true},
		{ZZZ_ALL "  condition: a or not b\n",
		 "{\"c\":\"-nop -encodedcommand\"}", false},
	};
#undef ZZZ_ALL
	for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
		assert_int_equal(m1(pre[i].det, pre[i].ev), pre[i].want);
	/* exists */
	assert_true(m1(SEL("    c|exists: true\n"), ev));
	assert_false(m1(SEL("    d|exists: true\n"), ev));
	assert_true(m1(SEL("    d|exists: false\n"), ev));
	/* cased */
	assert_false(m1(SEL("    c|cased|contains: '-ENC'\n"), ev));
	assert_true(m1(SEL("    c|cased|contains: '-enc'\n"), ev));
	/* neq: the field is there and is none of the values */
	assert_true(m1(SEL("    u|neq: root\n"), "{\"u\":\"alice\"}"));
	assert_false(m1(SEL("    u|neq: root\n"), "{\"u\":\"ROOT\"}"));
	assert_false(m1(SEL("    u|neq: [root, alice]\n"), "{\"u\":\"alice\"}"));
	assert_false(m1(SEL("    u|neq: root\n"), "{\"v\":\"alice\"}"));
}

static void test_modifier_re(void **state)
{
	(void)state;
	assert_true(m1(SEL("    c|re: '^ab+c$'\n"), "{\"c\":\"abbbc\"}"));
	/* re is case-sensitive unless |i */
	assert_false(m1(SEL("    c|re: '^ab+c$'\n"), "{\"c\":\"ABBC\"}"));
	assert_true(m1(SEL("    c|re|i: '^ab+c$'\n"), "{\"c\":\"ABBC\"}"));
	/* m: ^ and $ at line breaks; s: dot matches a line break */
	const char *two = "{\"c\":\"first\\nsecond\"}";
	assert_false(m1(SEL("    c|re: '^second$'\n"), two));
	assert_true(m1(SEL("    c|re|m: '^second$'\n"), two));
	assert_false(m1(SEL("    c|re: 'first.second'\n"), two));
	assert_true(m1(SEL("    c|re|s: 'first.second'\n"), two));
	assert_true(m1(SEL("    c|re: '[0-9]{3}-[0-9]{2}'\n"),
		       "{\"c\":\"id 123-45\"}"));
	/* The text every match holds, which the prefilter looks for, is
	 * not taken from a quantifier's bounds, an escape's arguments, or
	 * in its case when a flag later makes the pattern caseless. */
	char longv[1300], shortv[600];
	snprintf(longv, sizeof(longv), "{\"c\":\"%01200d\"}", 7);
	snprintf(shortv, sizeof(shortv), "{\"c\":\"%0500d\"}", 7);
	assert_true(m1(SEL("    c|re: '.{1000,}'\n"), longv));
	assert_false(m1(SEL("    c|re: '.{1000,}'\n"), shortv));
	assert_true(m1(SEL("    c|re: '-k\\s\\w{1,64}'\n"),
		       "{\"c\":\"svchost.exe -k netsvcs\"}"));
	assert_true(m1(SEL("    c|re: 'ab\\x41cd'\n"), "{\"c\":\"abAcd\"}"));
	assert_true(m1(SEL("    c|re: 'ab\\x{41}cd'\n"), "{\"c\":\"abAcd\"}"));
	assert_true(m1(SEL("    c|re: 'abc(?i)DEFG'\n"), "{\"c\":\"abcdefg\"}"));
	assert_false(m1(SEL("    c|re: 'abc(?i)DEFG'\n"), "{\"c\":\"ABCdefg\"}"));
}

static void test_modifier_base64(void **state)
{
	(void)state;
	/* base64: the whole value encoded */
	assert_true(m1(SEL("    c|base64: whoami\n"), "{\"c\":\"d2hvYW1p\"}"));
	assert_true(m1(SEL("    c|base64|contains: whoami\n"),
		       "{\"c\":\"x d2hvYW1p y\"}"));
	/* base64offset: "/bin/bash" found at each of the three offsets */
	const char *r = SEL("    c|base64offset|contains: '/bin/bash'\n");
	assert_true(m1(r, "{\"c\":\"Y3VybCBodHRwOi8veCB8IC9iaW4vYmFzaCAtaQ==\"}"));
	assert_true(m1(r, "{\"c\":\"YWN1cmwgaHR0cDovL3ggfCAvYmluL2Jhc2ggLWk=\"}"));
	assert_true(m1(r, "{\"c\":\"YWJjdXJsIGh0dHA6Ly94IHwgL2Jpbi9iYXNoIC1p\"}"));
	assert_false(m1(r, "{\"c\":\"Y3VybCBodHRwOi8veCB8IC9iaW4venNoIC1p\"}"));
	/* the specification's own three renderings */
	assert_true(m1(SEL("    c|base64offset|contains: '/bin/bash'\n"),
		       "{\"c\":\"L2Jpbi9iYXNo\"}"));
	assert_true(m1(r, "{\"c\":\"xx9iaW4vYmFzaxx\"}"));
	assert_true(m1(r, "{\"c\":\"vYmluL2Jhc2\"}"));
}

static void test_modifier_utf16(void **state)
{
	(void)state;
	/* wide = utf16le, then base64offset */
	const char *r = SEL(
		"    c|wide|base64offset|contains: 'IEX (New-Object Net.WebClient)'\n");
	assert_true(m1(r, "{\"c\":\"-enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA\"}"));
	assert_true(m1(r, "{\"c\":\"eABJAEUAWAAgACgATgBlAHcALQBPAGIAagBlAGMAdAAgAE4AZQB0AC4AVwBlAGIAQwBsAGkAZQBuAHQAKQA=\"}"));
	assert_true(m1(r, "{\"c\":\"eAB5AEkARQBYACAAKABOAGUAdwAtAE8AYgBqAGUAYwB0ACAATgBlAHQALgBXAGUAYgBDAGwAaQBlAG4AdAApAA==\"}"));
	assert_true(m1(SEL("    c|utf16le|base64: whoami\n"),
		       "{\"c\":\"dwBoAG8AYQBtAGkA\"}"));
	assert_true(m1(SEL("    c|utf16be|base64: whoami\n"),
		       "{\"c\":\"AHcAaABvAGEAbQBp\"}"));
	/* utf16: with the byte order mark */
	assert_true(m1(SEL("    c|utf16|base64: whoami\n"),
		       "{\"c\":\"//53AGgAbwBhAG0AaQA=\"}"));
}

static void test_modifier_windash(void **state)
{
	(void)state;
	const char *r = SEL("    c|windash|contains: ' -exec bypass'\n");
	assert_true(m1(r, "{\"c\":\"ps -exec bypass\"}"));
	assert_true(m1(r, "{\"c\":\"ps /exec bypass\"}"));
	assert_true(m1(r, "{\"c\":\"ps \\u2013exec bypass\"}")); /* en dash */
	assert_true(m1(r, "{\"c\":\"ps \\u2014exec bypass\"}")); /* em dash */
	assert_true(m1(r, "{\"c\":\"ps \\u2015exec bypass\"}")); /* bar */
	assert_false(m1(r, "{\"c\":\"ps +exec bypass\"}"));
	/* a dash inside a word is not an option dash */
	assert_false(m1(SEL("    c|windash|contains: 'x-y'\n"),
			"{\"c\":\"x/y\"}"));
	/* two dashes: every combination */
	const char *two = SEL("    c|windash|contains: '-a -b'\n");
	assert_true(m1(two, "{\"c\":\"/a \\u2014b\"}"));
}

static void test_modifier_cidr(void **state)
{
	(void)state;
	const char *r = SEL("    ip|cidr: ['10.0.0.0/8', '192.168.1.0/24', "
			    "'2001:db8::/32', 'fe80::/10']\n");
	assert_true(m1(r, "{\"ip\":\"10.200.3.4\"}"));
	assert_true(m1(r, "{\"ip\":\"192.168.1.77\"}"));
	assert_false(m1(r, "{\"ip\":\"192.168.2.1\"}"));
	assert_true(m1(r, "{\"ip\":\"2001:db8:1::5\"}"));
	assert_true(m1(r, "{\"ip\":\"fe80::1\"}"));
	assert_true(m1(r, "{\"ip\":\"febf::1\"}"));
	assert_false(m1(r, "{\"ip\":\"fec0::1\"}"));
	assert_false(m1(r, "{\"ip\":\"2001:db9::1\"}"));
	assert_false(m1(r, "{\"ip\":\"not an address\"}"));
	/* v4-mapped v6 is the v4 address */
	assert_true(m1(r, "{\"ip\":\"::ffff:10.1.1.1\"}"));
}

static void test_modifier_numeric(void **state)
{
	(void)state;
	assert_true(m1(SEL("    n|lt: 10\n"), "{\"n\":9}"));
	assert_false(m1(SEL("    n|lt: 10\n"), "{\"n\":10}"));
	assert_true(m1(SEL("    n|lte: 10\n"), "{\"n\":10}"));
	assert_true(m1(SEL("    n|gt: 10\n"), "{\"n\":\"10.5\"}"));
	assert_false(m1(SEL("    n|gt: 10\n"), "{\"n\":10}"));
	assert_true(m1(SEL("    n|gte: -3\n"), "{\"n\":-3}"));
	assert_false(m1(SEL("    n|gte: 1\n"), "{\"n\":\"abc\"}"));
	/* a range: two fields of one map */
	assert_true(m1("  a:\n    n|gt: 1\n  b:\n    n|lt: 5\n"
		       "  condition: a and b\n",
		       "{\"n\":3}"));
}

static void test_modifier_fieldref_expand_time(void **state)
{
	(void)state;
	assert_true(m1(SEL("    a|fieldref: b\n"), "{\"a\":\"X\",\"b\":\"x\"}"));
	assert_false(m1(SEL("    a|fieldref: b\n"), "{\"a\":\"x\",\"b\":\"y\"}"));
	assert_true(m1(SEL("    a|fieldref|neq: b\n"),
		       "{\"a\":\"x\",\"b\":\"y\"}"));
	assert_true(m1(SEL("    a|fieldref|startswith: b\n"),
		       "{\"a\":\"abc\",\"b\":\"ab\"}"));
	/* expand with the placeholders file */
	assert_true(m1(SEL("    u|expand: '%Admins%'\n"), "{\"u\":\"alice\"}"));
	assert_true(m1(SEL("    u|expand: '%Admins%'\n"), "{\"u\":\"bobby\"}"));
	assert_false(m1(SEL("    u|expand: '%Admins%'\n"), "{\"u\":\"eve\"}"));
	assert_true(m1(SEL("    h|expand: 'web.%Servers%'\n"),
		       "{\"h\":\"web.srv1\"}"));
	/* time parts */
	assert_true(m1(SEL("    t|hour: 3\n"), "{\"t\":\"2026-03-01T03:15:00Z\"}"));
	assert_true(m1(SEL("    t|month|gte: 3\n"),
		       "{\"t\":\"2026-03-01 03:15:00\"}"));
	assert_false(m1(SEL("    t|year: 2025\n"), "{\"t\":\"2026-03-01\"}"));
}

static void test_conditions(void **state)
{
	(void)state;
	const char *ev = "{\"a\":1,\"b\":2,\"c\":3}";
	const char *ids = "  sel_a: {a: 1}\n  sel_b: {b: 2}\n  sel_x: {x: 1}\n"
			  "  filter_c: {c: 3}\n  filter_d: {d: 4}\n";
	char d[1024];
#define COND(c) (snprintf(d, sizeof(d), "%s  condition: %s\n", ids, c), d)
	assert_true(m1(COND("sel_a and sel_b"), ev));
	assert_false(m1(COND("sel_a and sel_x"), ev));
	assert_true(m1(COND("sel_x or sel_b"), ev));
	assert_true(m1(COND("not sel_x"), ev));
	assert_false(m1(COND("sel_a and not filter_c"), ev));
	/* precedence: and binds tighter than or; not tighter than and */
	assert_true(m1(COND("sel_x and sel_a or sel_b"), ev));
	assert_false(m1(COND("sel_x and (sel_a or sel_b)"), ev));
	assert_false(m1(COND("not sel_a and sel_b"), ev));
	assert_true(m1(COND("not (sel_a and sel_x)"), ev));
	/* 1 of / all of over patterns */
	assert_true(m1(COND("1 of sel_*"), ev));
	assert_false(m1(COND("all of sel_*"), ev));
	assert_true(m1(COND("all of sel_a*"), ev));
	/* not 1 of: none of them */
	assert_false(m1(COND("sel_a and not 1 of filter_*"), ev));
	assert_true(m1(COND("sel_a and not all of filter_*"), ev));
	/* them: every identifier not starting with _ */
	assert_true(m1(COND("1 of them"), ev));
	assert_false(m1(COND("all of them"), ev));
	assert_true(m1("  a: {a: 1}\n  _b: {b: 9}\n  condition: all of them\n",
		       ev));
	/* a list of conditions is their OR */
	assert_true(m1("  a: {a: 9}\n  b: {b: 2}\n  condition:\n    - a\n    - b\n",
		       ev));
#undef COND
}

static void test_refusals(void **state)
{
	(void)state;
	const char *head = "title: t\nlogsource: {product: test}\ndetection:\n";
	char y[1024];
#define R(det) (snprintf(y, sizeof(y), "%s%s", head, det), refusal(y))
	assert_string_equal(R(SEL("    a: 1\n")), "");
	assert_non_null(strstr(R(SEL("    a|nosuch: 1\n")), "unknown modifier: nosuch"));
	assert_non_null(strstr(R("  sel: {a: 1}\n  condition: sel and other\n"),
			       "'other'"));
	assert_non_null(strstr(R("  sel: {a: 1}\n  condition: sel | count() > 5\n"),
			       "correlation rule"));
	assert_non_null(strstr(R(SEL("    a|expand: '%Nobody%'\n")),
			       "placeholder %Nobody%"));
	assert_non_null(strstr(R(SEL("    a: [x, null]\n")), "null"));
	assert_non_null(strstr(R(SEL("    a|cidr: 10.0.0.0/33\n")), "cidr"));
	assert_non_null(strstr(R(SEL("    a|re: '(unclosed'\n")), "re:"));
	assert_non_null(strstr(R(SEL("    a|base64: 'x*'\n")), "wildcards"));
	assert_non_null(strstr(R(SEL("    a|contains|startswith: x\n")),
			       "conflicting"));
	assert_non_null(strstr(R("  sel: {a: 1}\n  condition: 1 of nothing*\n"),
			       "names no search identifier"));
	/* the line of the offending node */
	const char *r = R("  sel:\n    a: 1\n    b|bad: 2\n  condition: sel\n");
	assert_non_null(strstr(r, "@6"));
	/* invalid YAML: its line */
	r = refusal("title: t\ndetection:\n  sel: {a: 1\n  condition: sel\n");
	assert_non_null(strstr(r, "invalid YAML"));
	assert_non_null(strstr(refusal("title: t\nlevel: severe\ndetection:\n"
				       "  sel: {a: 1}\n  condition: sel\n"),
			       "unknown level"));
	assert_non_null(strstr(refusal("logsource: {product: test}\n"
				       "detection:\n  s: {a: 1}\n  condition: s\n"),
			       "title"));
	/* a correlation whose 'rules' list holds a map (once a crash) */
	assert_non_null(strstr(refusal("title: c\ncorrelation:\n"
				       "  type: event_count\n"
				       "  rules: [a, {b: c}]\n"
				       "  group-by: [ip]\n  timespan: 1m\n"
				       "  condition: {gte: 2}\n"),
			       "'rules' must name"));
	assert_non_null(strstr(refusal("title: c\ncorrelation:\n"
				       "  type: event_count\n  rules: [a]\n"
				       "  group-by: [ip, [x]]\n  timespan: 1m\n"
				       "  condition: {gte: 2}\n"),
			       "group-by must be a list"));
#undef R
}

static void test_multidoc_and_filters(void **state)
{
	(void)state;
	/* Two rules in one file, and a filter that tunes the first. */
	const char *yaml =
		"title: one\nid: 11111111-0000-0000-0000-000000000001\n"
		"logsource: {product: test}\n"
		"detection:\n  sel: {a: 1}\n  condition: sel\n"
		"---\n"
		"title: two\nlogsource: {product: test}\n"
		"detection:\n  sel: {b: 2}\n  condition: sel\n"
		"---\n"
		"title: quiet the build server\n"
		"logsource: {product: test}\n"
		"filter:\n  rules: [11111111-0000-0000-0000-000000000001]\n"
		"  selection: {host: build}\n  condition: not selection\n";
	struct vg_ruleset *rs = load(yaml);
	assert_int_equal(vg_rules_count(rs), 2);
	const char *ev[] = {"{\"a\":1,\"b\":2,\"host\":\"build\"}",
			    "{\"a\":1,\"host\":\"web\"}"};
	struct tally t = run(rs, ev, 2);
	assert_int_equal(t.n, 2); /* "two" on the first, "one" on the second */
	assert_string_equal(t.seen[0], "two");
	assert_string_equal(t.seen[1], "one");
	vg_rules_free(rs);
	/* rule collection with action: global */
	rs = load("action: global\nlogsource: {product: test}\n"
		  "detection:\n  base: {k: v}\n"
		  "---\ntitle: g1\ndetection:\n  sel: {a: 1}\n"
		  "  condition: base and sel\n");
	t = run(rs, (const char *[]){"{\"k\":\"v\",\"a\":1}"}, 1);
	assert_int_equal(t.n, 1);
	vg_rules_free(rs);
}

static void test_field_renames(void **state)
{
	(void)state;
	/* An entry's renames: in kind=renamed events Image is NewProcessName */
	struct vg_ruleset *rs = load("title: r\nlogsource: {product: test, "
				     "category: renamed}\ndetection:\n"
				     "  sel: {Image|endswith: '\\cmd.exe'}\n"
				     "  condition: sel\n");
	struct tally t = run(rs, (const char *[]){
		"{\"kind\":\"renamed\",\"NewProcessName\":\"C:\\\\cmd.exe\"}",
		"{\"kind\":\"other\",\"Image\":\"C:\\\\cmd.exe\"}"}, 2);
	assert_int_equal(t.n, 1);
	vg_rules_free(rs);
}

static void test_builtin_windows_shapes(void **state)
{
	(void)state;
	/* The same Sysmon process creation in the three JSON shapes, and
	 * a Security 4688 with its field names. */
	struct vg_ruleset *rs = load_with(
		"title: whoami\nlogsource: {product: windows, category: "
		"process_creation}\ndetection:\n"
		"  sel: {Image|endswith: '\\whoami.exe'}\n  condition: sel\n",
		NULL);
	const char *ev[] = {
		"{\"Event\":{\"System\":{\"EventID\":1,\"Channel\":"
		"\"Microsoft-Windows-Sysmon/Operational\"},\"EventData\":"
		"{\"Image\":\"C:\\\\Windows\\\\System32\\\\whoami.exe\"}}}",
		"{\"winlog\":{\"channel\":\"Microsoft-Windows-Sysmon/Operational\","
		"\"event_id\":1,\"event_data\":{\"Image\":"
		"\"C:\\\\Windows\\\\System32\\\\whoami.exe\"}}}",
		"{\"Channel\":\"Microsoft-Windows-Sysmon/Operational\","
		"\"EventID\":1,\"Image\":\"C:\\\\Windows\\\\System32\\\\whoami.exe\"}",
		"{\"Channel\":\"Security\",\"EventID\":4688,\"NewProcessName\":"
		"\"C:\\\\Windows\\\\System32\\\\whoami.exe\"}",
		/* not process creation: Sysmon event 11 */
		"{\"Channel\":\"Microsoft-Windows-Sysmon/Operational\","
		"\"EventID\":11,\"Image\":\"C:\\\\Windows\\\\System32\\\\whoami.exe\"}",
	};
	struct tally t = run(rs, ev, 5);
	assert_int_equal(t.n, 4);
	vg_rules_free(rs);
}

/* ---- correlations ---- */

static const char base_rules[] =
	"title: fail\nname: fail\nlogsource: {product: test}\n"
	"detection:\n  sel: {ev: fail}\n  condition: sel\n"
	"---\n"
	"title: ok\nname: ok\nlogsource: {product: test}\n"
	"detection:\n  sel: {ev: ok}\n  condition: sel\n";

static char evbuf[64][256];

static const char *E(int i, const char *ts, const char *ev, const char *ip,
		     const char *user)
{
	snprintf(evbuf[i], sizeof(evbuf[i]),
		 "{\"@timestamp\":\"2026-01-01T%s\",\"ev\":\"%s\",\"ip\":\"%s\","
		 "\"user\":\"%s\",\"bytes\":%d}",
		 ts, ev, ip, user, 100 * (i + 1));
	return evbuf[i];
}

static struct tally corr(const char *c, const char *const *ev, size_t n)
{
	char yaml[4096];
	snprintf(yaml, sizeof(yaml), "%s---\ntitle: C\nname: C\n%s", base_rules,
		 c);
	struct vg_ruleset *rs = load(yaml);
	struct tally t = run(rs, ev, n);
	vg_rules_free(rs);
	return t;
}

static int count_title(const struct tally *t, const char *title)
{
	int k = 0;
	for (int i = 0; i < t->n && i < 64; i++)
		k += strcmp(t->seen[i], title) == 0;
	return k;
}

static void test_event_count(void **state)
{
	(void)state;
	const char *c = "correlation:\n  type: event_count\n  rules: [fail]\n"
			"  group-by: [ip]\n  timespan: 60s\n"
			"  condition: {gte: 3}\n";
	/* three failures from one address within a minute, one from another */
	const char *ev[] = {E(0, "00:00:00Z", "fail", "1.1.1.1", "a"),
			    E(1, "00:00:10Z", "fail", "2.2.2.2", "a"),
			    E(2, "00:00:20Z", "fail", "1.1.1.1", "b"),
			    E(3, "00:00:59Z", "fail", "1.1.1.1", "c")};
	struct tally t = corr(c, ev, 4);
	assert_int_equal(count_title(&t, "C"), 1);
	assert_string_equal(t.groups[0], "ip=1.1.1.1");
	assert_true(t.value == 3);
	/* generate is false: the base rule's own alerts are not shown */
	assert_int_equal(count_title(&t, "fail"), 0);
	/* over the window edge: 0s, 30s, 61s is never three in 60s */
	const char *edge[] = {E(0, "00:00:00Z", "fail", "1.1.1.1", "a"),
			      E(1, "00:00:30Z", "fail", "1.1.1.1", "a"),
			      E(2, "00:01:01Z", "fail", "1.1.1.1", "a")};
	t = corr(c, edge, 3);
	assert_int_equal(count_title(&t, "C"), 0);
	/* exactly on the edge (0s, 30s, 60s) counts: the window is closed */
	const char *on[] = {E(0, "00:00:00Z", "fail", "1.1.1.1", "a"),
			    E(1, "00:00:30Z", "fail", "1.1.1.1", "a"),
			    E(2, "00:01:00Z", "fail", "1.1.1.1", "a")};
	t = corr(c, on, 3);
	assert_int_equal(count_title(&t, "C"), 1);
	/* (E reuses its buffers: build the first sequence again) */
	E(0, "00:00:00Z", "fail", "1.1.1.1", "a");
	E(1, "00:00:10Z", "fail", "2.2.2.2", "a");
	E(2, "00:00:20Z", "fail", "1.1.1.1", "b");
	/* generate: true keeps the base rule's alerts */
	t = corr("correlation:\n  type: event_count\n  rules: fail\n"
		 "  group-by: [ip]\n  timespan: 1m\n  generate: true\n"
		 "  condition: {gte: 3}\n",
		 ev, 4);
	assert_int_equal(count_title(&t, "fail"), 4);
	assert_int_equal(count_title(&t, "C"), 1);
	/* an upper bound is decided when the window closes */
	t = corr("correlation:\n  type: event_count\n  rules: fail\n"
		 "  group-by: [ip]\n  timespan: 1m\n  condition: {lt: 2}\n",
		 ev, 4);
	assert_int_equal(count_title(&t, "C"), 1); /* 2.2.2.2 only */
	assert_string_equal(t.groups[0], "ip=2.2.2.2");
}

static void test_value_count(void **state)
{
	(void)state;
	const char *c = "correlation:\n  type: value_count\n  rules: [fail]\n"
			"  group-by: [ip]\n  timespan: 5m\n"
			"  condition: {gte: 3, field: user}\n";
	/* four attempts, but only two distinct users: no spraying */
	const char *rep[] = {E(0, "00:00:00Z", "fail", "1.1.1.1", "a"),
			     E(1, "00:00:01Z", "fail", "1.1.1.1", "a"),
			     E(2, "00:00:02Z", "fail", "1.1.1.1", "b"),
			     E(3, "00:00:03Z", "fail", "1.1.1.1", "b")};
	struct tally t = corr(c, rep, 4);
	assert_int_equal(count_title(&t, "C"), 0);
	const char *spray[] = {E(0, "00:00:00Z", "fail", "1.1.1.1", "a"),
			       E(1, "00:00:01Z", "fail", "1.1.1.1", "a"),
			       E(2, "00:00:02Z", "fail", "1.1.1.1", "b"),
			       E(3, "00:00:03Z", "fail", "1.1.1.1", "c")};
	t = corr(c, spray, 4);
	assert_int_equal(count_title(&t, "C"), 1);
	assert_true(t.value == 3);
}

static void test_temporal(void **state)
{
	(void)state;
	const char *tmp = "correlation:\n  type: temporal\n  rules: [fail, ok]\n"
			  "  group-by: [ip]\n  timespan: 1m\n";
	const char *ord = "correlation:\n  type: temporal_ordered\n"
			  "  rules: [fail, ok]\n  group-by: [ip]\n"
			  "  timespan: 1m\n";
	/* success then failure: temporal yes, ordered (fail then ok) no */
	const char *rev[] = {E(0, "00:00:00Z", "ok", "1.1.1.1", "a"),
			     E(1, "00:00:05Z", "fail", "1.1.1.1", "a")};
	assert_int_equal(count_title((struct tally[]){corr(tmp, rev, 2)}, "C"),
			 1);
	assert_int_equal(count_title((struct tally[]){corr(ord, rev, 2)}, "C"),
			 0);
	/* failure then success: both */
	const char *fwd[] = {E(0, "00:00:00Z", "fail", "1.1.1.1", "a"),
			     E(1, "00:00:05Z", "ok", "1.1.1.1", "a")};
	assert_int_equal(count_title((struct tally[]){corr(ord, fwd, 2)}, "C"),
			 1);
	/* an out-of-order arrival: the later-stamped success is read first */
	const char *late[] = {E(0, "00:00:05Z", "ok", "1.1.1.1", "a"),
			      E(1, "00:00:00Z", "fail", "1.1.1.1", "a")};
	assert_int_equal(count_title((struct tally[]){corr(ord, late, 2)}, "C"),
			 1);
	/* other address, or too far apart: nothing */
	const char *apart[] = {E(0, "00:00:00Z", "fail", "1.1.1.1", "a"),
			       E(1, "00:00:05Z", "ok", "9.9.9.9", "a"),
			       E(2, "00:02:00Z", "ok", "1.1.1.1", "a")};
	assert_int_equal(count_title((struct tally[]){corr(ord, apart, 3)}, "C"),
			 0);
}

static void test_value_aggregates(void **state)
{
	(void)state;
	/* bytes are 100, 200, 300, 400 (see E) */
	const char *ev[] = {E(0, "00:00:00Z", "fail", "1.1.1.1", "a"),
			    E(1, "00:00:01Z", "fail", "1.1.1.1", "a"),
			    E(2, "00:00:02Z", "fail", "1.1.1.1", "a"),
			    E(3, "00:00:03Z", "fail", "1.1.1.1", "a")};
	struct tally t = corr("correlation:\n  type: value_sum\n  rules: fail\n"
			      "  group-by: [ip]\n  timespan: 1m\n"
			      "  condition: {gt: 500, field: bytes}\n",
			      ev, 4);
	assert_int_equal(count_title(&t, "C"), 1);
	assert_true(t.value == 600);
	t = corr("correlation:\n  type: value_avg\n  rules: fail\n"
		 "  group-by: [ip]\n  timespan: 1m\n"
		 "  condition: {gte: 250, field: bytes}\n",
		 ev, 4);
	assert_int_equal(count_title(&t, "C"), 1);
	assert_true(t.value == 250);
	t = corr("correlation:\n  type: value_percentile\n  rules: fail\n"
		 "  group-by: [ip]\n  timespan: 1m\n"
		 "  condition: {gte: 400, field: bytes, percentile: 95}\n",
		 ev, 4);
	assert_int_equal(count_title(&t, "C"), 1);
	assert_true(t.value == 400);
}

static void test_aliases_and_chains(void **state)
{
	(void)state;
	/* fail events carry ip, ok events carry "src": one group */
	const char *ev[] = {E(0, "00:00:00Z", "fail", "1.1.1.1", "a"),
			    "{\"@timestamp\":\"2026-01-01T00:00:03Z\",\"ev\":"
			    "\"ok\",\"src\":\"1.1.1.1\"}"};
	struct tally t = corr(
		"correlation:\n  type: temporal_ordered\n  rules: [fail, ok]\n"
		"  group-by: [addr]\n  timespan: 1m\n"
		"  aliases:\n    addr: {fail: ip, ok: src}\n",
		ev, 2);
	assert_int_equal(count_title(&t, "C"), 1);
	assert_string_equal(t.groups[0], "addr=1.1.1.1");
	/* a correlation of a correlation: two bursts of failures */
	char yaml[4096];
	snprintf(yaml, sizeof(yaml),
		 "%s---\ntitle: burst\nname: burst\ncorrelation:\n"
		 "  type: event_count\n  rules: fail\n  group-by: [ip]\n"
		 "  timespan: 10s\n  condition: {gte: 2}\n"
		 "---\ntitle: bursts\ncorrelation:\n  type: event_count\n"
		 "  rules: burst\n  group-by: [ip]\n  timespan: 1h\n"
		 "  condition: {gte: 2}\n",
		 base_rules);
	struct vg_ruleset *rs = load(yaml);
	const char *b[] = {E(0, "00:00:00Z", "fail", "1.1.1.1", "a"),
			   E(1, "00:00:01Z", "fail", "1.1.1.1", "a"),
			   E(2, "00:10:00Z", "fail", "1.1.1.1", "a"),
			   E(3, "00:10:01Z", "fail", "1.1.1.1", "a")};
	t = run(rs, b, 4);
	assert_int_equal(count_title(&t, "bursts"), 1);
	assert_int_equal(count_title(&t, "burst"), 0); /* not generated */
	vg_rules_free(rs);
}

static void test_correlation_bounds(void **state)
{
	(void)state;
	/* With room for 2 groups, a third address evicts the oldest, and
	 * the eviction is counted. */
	struct vg_ruleset_opts o = {.mapping = mapping_path,
				    .corr_max_groups = 2};
	char err[256];
	struct vg_ruleset *rs = vg_rules_new(&o, err, sizeof(err));
	char yaml[2048];
	snprintf(yaml, sizeof(yaml),
		 "%s---\ntitle: C\ncorrelation:\n  type: event_count\n"
		 "  rules: fail\n  group-by: [ip]\n  timespan: 1h\n"
		 "  condition: {gte: 2}\n",
		 base_rules);
	vg_rules_load_mem(rs, "t.yml", yaml, strlen(yaml));
	assert_int_equal(vg_rules_compile(rs, err, sizeof(err)), 0);
	struct vg_sigma *s = vg_sigma_new(rs);
	struct tally t = {0};
	const char *ev[] = {E(0, "00:00:00Z", "fail", "1.1.1.1", "a"),
			    E(1, "00:00:01Z", "fail", "2.2.2.2", "a"),
			    E(2, "00:00:02Z", "fail", "3.3.3.3", "a"),
			    E(3, "00:00:03Z", "fail", "1.1.1.1", "a")};
	for (int i = 0; i < 4; i++)
		vg_sigma_eval(s, tu_decode(ev[i]), on_match, &t);
	assert_int_equal(vg_sigma_stats(s)->corr_evicted, 2);
	assert_int_equal(t.n, 0); /* 1.1.1.1's first failure was evicted */
	vg_sigma_free(s);
	vg_rules_free(rs);
	/* a reference to an unknown rule is refused at compile */
	rs = load_with("title: C\ncorrelation:\n  type: event_count\n"
		       "  rules: nosuch\n  timespan: 1h\n  condition: {gte: 2}\n",
		       mapping_path);
	assert_int_equal(vg_rules_count(rs), 0);
	assert_int_equal(vg_rules_nrefused(rs), 1);
	assert_non_null(strstr(vg_rules_refused(rs, 0)->reason, "nosuch"));
	vg_rules_free(rs);
}

static void test_explain(void **state)
{
	(void)state;
	struct vg_ruleset *rs = load("title: why\nlogsource: {product: test}\n"
				     "detection:\n  sel:\n    a: 1\n    b: 2\n"
				     "  filter: {c: 3}\n"
				     "  condition: sel and not filter\n");
	struct vg_sigma *s = vg_sigma_new(rs);
	struct vg_buf o;
	vg_buf_init(&o, 1u << 20);
	vg_sigma_explain(s, 0, tu_decode("{\"a\":1,\"c\":3}"), &o);
	const char *txt = vg_buf_cstr(&o);
	assert_non_null(strstr(txt, "b: no (the event has no such field)"));
	assert_non_null(strstr(txt, "selection filter: matches"));
	assert_non_null(strstr(txt, "result: no match"));
	vg_buf_free(&o);
	vg_sigma_free(s);
	vg_rules_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_values),
		cmocka_unit_test(test_wildcards_and_escapes),
		cmocka_unit_test(test_null_and_empty),
		cmocka_unit_test(test_keywords),
		cmocka_unit_test(test_modifiers_generic),
		cmocka_unit_test(test_modifier_re),
		cmocka_unit_test(test_modifier_base64),
		cmocka_unit_test(test_modifier_utf16),
		cmocka_unit_test(test_modifier_windash),
		cmocka_unit_test(test_modifier_cidr),
		cmocka_unit_test(test_modifier_numeric),
		cmocka_unit_test(test_modifier_fieldref_expand_time),
		cmocka_unit_test(test_conditions),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_multidoc_and_filters),
		cmocka_unit_test(test_field_renames),
		cmocka_unit_test(test_builtin_windows_shapes),
		cmocka_unit_test(test_event_count),
		cmocka_unit_test(test_value_count),
		cmocka_unit_test(test_temporal),
		cmocka_unit_test(test_value_aggregates),
		cmocka_unit_test(test_aliases_and_chains),
		cmocka_unit_test(test_correlation_bounds),
		cmocka_unit_test(test_explain),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
