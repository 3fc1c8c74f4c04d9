/* Control-plane allocation: these never return NULL; they abort the
 * process with a message when memory is exhausted. The hot path uses
 * arenas (arena.h) instead. */
#ifndef VG_XMALLOC_H
#define VG_XMALLOC_H
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
/* Like realloc(3) with overflow check on nmemb * size. */
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
