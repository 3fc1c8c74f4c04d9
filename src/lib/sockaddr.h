/* Listen addresses: "host:port", "[v6]:port", "localhost:port". */
#ifndef VG_SOCKADDR_H
#define VG_SOCKADDR_H
#include <stddef.h>
#include <sys/socket.h>

/* Parses s into ss. Returns 0, or -1 with a message in err. */
int vg_sockaddr_parse(const char *s, struct sockaddr_storage *ss,
		      socklen_t *len, char *err, size_t errlen);

/* A TCP socket bound to s and listening (close-on-exec, address reuse).
 * Returns the descriptor, or -1 with "s: cannot listen: reason". */
int vg_listen_tcp(const char *s, char *err, size_t errlen);

#endif
