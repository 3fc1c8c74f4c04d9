/* Addresses and networks (see cidr.h). */
#include "cidr.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

bool vg_ip_parse(const char *s, size_t n, uint8_t *fam, uint8_t addr[16])
{
	char tmp[64];

	if (n == 0 || n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET, tmp, addr) == 1) {
		*fam = 4;
		return true;
	}
	if (inet_pton(AF_INET6, tmp, addr) == 1) {
		static const uint8_t v4m[12] = {0, 0, 0, 0, 0, 0,
						0, 0, 0, 0, 0xff, 0xff};
		if (memcmp(addr, v4m, 12) == 0) {
			memmove(addr, addr + 12, 4);
			*fam = 4;
		} else {
			*fam = 6;
		}
		return true;
	}
	return false;
}

int vg_cidr_parse(const char *s, struct vg_cidr *out)
{
	char tmp[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	char *end;
	long bits;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, tmp, out->addr) == 1)
		out->fam = 4;
	else if (inet_pton(AF_INET6, tmp, out->addr) == 1)
		out->fam = 6;
	else
		return -1;
	bits = out->fam == 4 ? 32 : 128;
	if (slash != NULL) {
		long b = strtol(slash + 1, &end, 10);
		if (*end != '\0' || end == slash + 1 || b < 0 || b > bits)
			return -1;
		bits = b;
	}
	out->bits = (uint8_t)bits;
	return 0;
}

bool vg_cidr_match(const struct vg_cidr *c, uint8_t fam, const uint8_t addr[16])
{
	uint32_t full = c->bits / 8u, rest = c->bits % 8u;

	if (fam != c->fam || memcmp(addr, c->addr, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xffu << (8 - rest));
	return (addr[full] & mask) == (c->addr[full] & mask);
}
