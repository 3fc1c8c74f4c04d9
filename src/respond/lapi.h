/* The CrowdSec-compatible decision stream (see lapi.c). */
#ifndef VG_LAPI_H
#define VG_LAPI_H
#include <stddef.h>
#include <stdint.h>

struct vg_lapi;

/* Serves on listen ("127.0.0.1:8641", "[::1]:8641") from the store in
 * state_dir, on its own thread. NULL with a message when it cannot. */
struct vg_lapi *vg_lapi_start(const char *listen, const char *state_dir,
			      char *err, size_t errlen);
void vg_lapi_stop(struct vg_lapi *l);

/* SHA-512 of a key, hex; a new random key (64 hex digits). */
void vg_lapi_hash(const char *key, char out[129]);
int vg_lapi_new_key(char out[65]);

/* A Go duration string, rounded to the second: "3h59m58s", "-12m3s". */
void vg_go_duration(int64_t ns, char *out, size_t n);

#endif
