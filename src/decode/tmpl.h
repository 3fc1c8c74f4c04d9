/* Message templates: literal text with named holes, compiled once and
 * matched by cursor, with no regular expression. In the text, {name}
 * captures up to the first occurrence of the literal that follows (or
 * to the end), {name+} up to its last occurrence (for values an attacker
 * chooses, such as user names, which may contain the literal), {} skips.
 * Holes named *.ip must hold an address, *.port, *.pid, *.count, *.id
 * and *_code digits, or the template does not match. */
#ifndef VG_TMPL_H
#define VG_TMPL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../event/event.h"

enum { VG_OUT_NONE, VG_OUT_SUCCESS, VG_OUT_FAILURE };
#define VG_TF_INVALID_USER 0x1u

struct vg_tmpl_def {
	const char *text;
	const char *action; /* event.action */
	uint8_t outcome;    /* VG_OUT_* */
	uint8_t flags;      /* VG_TF_* */
};

struct vg_tmpl_set;

/* Compiles n definitions; aborts on a malformed template (a programming
 * error). The set lives for the process's life. */
struct vg_tmpl_set *vg_tmpl_compile(const struct vg_tmpl_def *defs, size_t n);

/* Tries the templates in order; on the first match adds its captures,
 * event.action, event.outcome and flags' fields to ev and returns the
 * definition. Returns NULL, with ev unchanged, when none matches. */
const struct vg_tmpl_def *vg_tmpl_match(const struct vg_tmpl_set *s,
					struct vg_batch *b,
					struct vg_event *ev, const char *msg,
					size_t n);

#endif
