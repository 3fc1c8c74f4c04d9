/* Helpers shared by the decoders (see dec_internal.h). */
#include <arpa/inet.h>
#include <strings.h>

#include "../lib/intern.h"
#include "dec_internal.h"

/* Dotted quad, each part 0-255: the common case, without inet_pton. */
static bool ipv4(const char *p, size_t n)
{
	size_t i = 0;

	if (n < 7 || n > 15)
		return false;
	for (int part = 0; part < 4; part++) {
		unsigned v = 0, d;
		size_t s = i;

		while (i < n && (d = (unsigned)(unsigned char)p[i] - '0') < 10) {
			v = v * 10 + d;
			i++;
		}
		if (i == s || i - s > 3 || v > 255)
			return false;
		if (part < 3) {
			if (i == n || p[i] != '.')
				return false;
			i++;
		}
	}
	return i == n;
}

bool vg_looks_ip(const char *p, size_t n)
{
	char tmp[64];
	unsigned char addr[16];
	size_t k = n;

	if (n == 0 || n >= sizeof(tmp))
		return false;
	if (ipv4(p, n)) /* the usual case, before looking for a colon */
		return true;
	if (p[0] != ':' && memchr(p, ':', n) == NULL)
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i] == '%') { /* fe80::1%eth0 */
			k = i;
			break;
		}
	memcpy(tmp, p, k);
	tmp[k] = '\0';
	if (memchr(tmp, ':', k) != NULL)
		return inet_pton(AF_INET6, tmp, addr) == 1;
	return ipv4(tmp, k);
}

void vg_add_ip(struct vg_batch *b, struct vg_event *ev, uint16_t id,
	       const char *p, size_t n)
{
	if (n > 7 && p[0] == ':' && strncasecmp(p, "::ffff:", 7) == 0 &&
	    memchr(p + 7, ':', n - 7) == NULL && vg_looks_ip(p + 7, n - 7)) {
		p += 7;
		n -= 7;
	}
	vg_event_add(b, ev, id, p, n, 0);
}

void vg_add_kv_words(struct vg_batch *b, struct vg_event *ev, const char *p,
		     size_t n, const struct vg_kvmap *map)
{
	size_t i = 0;

	while (i < n) {
		size_t ks, ke, vs, ve;

		while (i < n && p[i] == ' ')
			i++;
		ks = i;
		while (i < n && p[i] != '=' && p[i] != ' ')
			i++;
		ke = i;
		if (i >= n || p[i] != '=')
			continue;
		vs = ++i;
		while (i < n && p[i] != ' ')
			i++;
		ve = i;
		for (const struct vg_kvmap *m = map; ke > ks && m->key != NULL;
		     m++) {
			size_t kl = ke - ks;

			/* the first byte rules out most keys unmeasured */
			if (m->key[0] == p[ks] && strlen(m->key) == kl &&
			    memcmp(m->key, p + ks, kl) == 0) {
				if (ve > vs)
					vg_event_add(b, ev, m->id, p + vs,
						     ve - vs, 0);
				break;
			}
		}
	}
}
