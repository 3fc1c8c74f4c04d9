/* IP addresses and networks: parsing and containment, shared by Sigma's
 * |cidr, the allowlist, the decision stream and the ban checks. */
#ifndef VG_CIDR_H
#define VG_CIDR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vg_cidr {
	uint8_t fam, bits, addr[16]; /* fam 4 or 6 */
};

/* "10.0.0.0/8", "2001:db8::/32", "192.0.2.1" → *out; -1 if not one. */
int vg_cidr_parse(const char *s, struct vg_cidr *out);

/* An address (not NUL-terminated, n bytes); an IPv4-mapped IPv6
 * address is its IPv4 address. */
bool vg_ip_parse(const char *s, size_t n, uint8_t *fam, uint8_t addr[16]);

/* Whether the address lies in the network. */
bool vg_cidr_match(const struct vg_cidr *c, uint8_t fam, const uint8_t addr[16]);

#endif
