/* vigie's own nftables table (libnftables): named sets of banned IPv4
 * and IPv6 addresses and networks, with timeouts, dropped in the input
 * and forward hooks. Only vigie's table is ever touched. */
#ifndef VG_NFT_H
#define VG_NFT_H
#include <stddef.h>
#include <stdint.h>

struct vg_nft;
struct vg_store;

/* table: the name of vigie's table (family inet). */
struct vg_nft *vg_nft_open(const char *table, char *err, size_t errlen);
void vg_nft_close(struct vg_nft *n);

/* Creates the table, sets and chains if missing and (re)writes vigie's
 * two rules per chain; never touches another table. */
int vg_nft_setup(struct vg_nft *n);

/* Adds (or refreshes) one ban for timeout_s seconds; removes one. */
int vg_nft_ban(struct vg_nft *n, const char *value, int64_t timeout_s);
int vg_nft_unban(struct vg_nft *n, const char *value);

/* Makes the sets hold exactly the store's active decisions, in one
 * transaction. Sets *count to how many. */
int vg_nft_sync(struct vg_nft *n, struct vg_store *s, int *count);

const char *vg_nft_error(const struct vg_nft *n);

#endif
