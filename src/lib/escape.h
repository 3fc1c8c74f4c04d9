/* The one place where attacker-controlled bytes become output. Every
 * writer of JSON, terminal text or CSV goes through these functions.
 *
 * Bytes that are not valid UTF-8 are never dropped: JSON carries each as
 * the lone surrogate \udcXX (XX the byte, as Python's "surrogateescape"
 * does), the terminal and CSV show it as \xXX. */
#ifndef VG_ESCAPE_H
#define VG_ESCAPE_H
#include <stddef.h>

#include "buf.h"

/* Appends p[0..n) as the inside of a JSON string (no quotes): ", \ and
 * control characters escaped, <, >, & as \u003c/\u003e/\u0026 so that the
 * text is safe inside HTML, U+2028/U+2029 escaped. Returns 0 or
 * VG_E_TOOBIG. */
int vg_esc_json(struct vg_buf *b, const char *p, size_t n);

/* Appends p[0..n) for a terminal: C0 and C1 controls, DEL, bidirectional
 * overrides and invalid UTF-8 become visible \xXX or \uXXXX escapes, and
 * a backslash is doubled. Returns 0 or VG_E_TOOBIG. */
int vg_esc_term(struct vg_buf *b, const char *p, size_t n);

/* Appends p[0..n) as one quoted CSV cell (RFC 4180); a cell that a
 * spreadsheet would read as a formula (=, +, -, @, tab, CR first) gets a
 * leading apostrophe; controls are escaped as for the terminal. Returns 0
 * or VG_E_TOOBIG. */
int vg_esc_csv(struct vg_buf *b, const char *p, size_t n);

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when p[0] does not
 * start one within n bytes. Sets *cp to the code point. */
size_t vg_utf8_seq(const unsigned char *p, size_t n, unsigned *cp);

/* p[0..n) as lowercase hex into out, which holds 2n+1 bytes. */
void vg_hex(const unsigned char *p, size_t n, char *out);

#endif
