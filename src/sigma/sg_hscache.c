/* The prefilter's databases, cached on disk.
 *
 * Compiling the literals of a few thousand rules into their databases
 * is most of the time spent loading them. The databases of one ruleset
 * are saved together, in one file named by the SHA-256 of all that went
 * into them: the Vectorscan version, the CPU features it compiles for,
 * and each database's literals, flags and ids. Loading the same rules
 * again reads them back.
 *
 * A cache file starts with a magic and the SHA-256 of the rest; a file
 * that does not check out, is not the user's own, or that Vectorscan
 * refuses (another version or CPU) is compiled again and replaced. So a
 * damaged cache costs one compilation and never a wrong database.
 *
 * Where: the caller says; for a user, $VIGIE_CACHE_DIR, else
 * $XDG_CACHE_HOME/vigie, else $HOME/.cache/vigie (VIGIE_CACHE_DIR set
 * and empty turns the cache off); created 0700. The 32 rulesets used
 * last are kept, 256 MiB at most. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/escape.h"
#include "../lib/xmalloc.h"
#include "sg_hscache.h"

#define MAGIC "VGHSDB01"
#define KEEP 32
#define KEEP_BYTES ((int64_t)256 << 20)
#define MAX_FILE ((size_t)1 << 30)

static char cache_dir[4096];

/* Makes the directories of p that are missing, 0700. */
static int mkdirs(char *p)
{
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		int rc = mkdir(p, 0700);
		*s = '/';
		if (rc != 0 && errno != EEXIST)
			return -1;
	}
	return mkdir(p, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

const char *sg_hs_cache_dir(void)
{
	const char *v = getenv("VIGIE_CACHE_DIR");
	const char *x = getenv("XDG_CACHE_HOME");
	const char *h = getenv("HOME");
	int n;

	if (v != NULL)
		n = snprintf(cache_dir, sizeof(cache_dir), "%s", v);
	else if (x != NULL && x[0] == '/')
		n = snprintf(cache_dir, sizeof(cache_dir), "%s/vigie", x);
	else if (h != NULL && h[0] == '/')
		n = snprintf(cache_dir, sizeof(cache_dir), "%s/.cache/vigie", h);
	else
		n = 0;
	if (n <= 0 || (size_t)n >= sizeof(cache_dir) - 80)
		cache_dir[0] = '\0';
	return cache_dir;
}

static void put(EVP_MD_CTX *c, const void *p, size_t n)
{
	EVP_DigestUpdate(c, p, n);
}

/* The name of the ruleset's databases: what they are made of. */
static void key_of(const struct sg_hsjob *jobs, uint32_t n, char out[65])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned char md[32];
	unsigned mdlen = 0;
	hs_platform_info_t pl;
	const char *v = hs_version();
	uint64_t cpu[2] = {0, 0};

	memset(&pl, 0, sizeof(pl));
	if (hs_populate_platform(&pl) == HS_SUCCESS)
		cpu[0] = pl.tune, cpu[1] = pl.cpu_features;
	if (c == NULL)
		abort();
	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	put(c, MAGIC, 8);
	put(c, v, strlen(v) + 1);
	put(c, cpu, sizeof(cpu));
	put(c, &n, sizeof(n));
	for (uint32_t j = 0; j < n; j++) {
		const struct sg_hsjob *b = &jobs[j];
		put(c, &b->cnt, sizeof(b->cnt));
		for (unsigned i = 0; i < b->cnt; i++) {
			uint64_t len = b->lens[i];
			put(c, &b->ids[i], sizeof(b->ids[i]));
			put(c, &b->fl[i], sizeof(b->fl[i]));
			put(c, &len, sizeof(len));
			put(c, b->ex[i], b->lens[i]);
		}
	}
	EVP_DigestFinal_ex(c, md, &mdlen);
	EVP_MD_CTX_free(c);
	vg_hex(md, 32, out);
}

static void sha256(const void *p, size_t n, unsigned char md[32])
{
	unsigned len = 0;
	EVP_Digest(p, n, md, &len, EVP_sha256(), NULL);
}

static void free_all(hs_database_t **out, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		hs_free_database(out[i]);
		out[i] = NULL;
	}
}

/* Reads the cached databases; 0 when all of them were there. */
static int load(const char *path, uint32_t n, const struct sg_hsjob *jobs,
		hs_database_t **out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat sb;
	unsigned char md[32];
	char *b = NULL;
	int rc = -1;

	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_uid != geteuid() || (sb.st_mode & 022) != 0 ||
	    sb.st_size < 40 || (size_t)sb.st_size > MAX_FILE)
		goto out;
	size_t len = (size_t)sb.st_size;
	b = xmalloc(len);
	for (size_t got = 0; got < len;) {
		ssize_t r = pread(fd, b + got, len - got, (off_t)got);
		if (r <= 0)
			goto out;
		got += (size_t)r;
	}
	sha256(b + 40, len - 40, md);
	if (memcmp(b, MAGIC, 8) != 0 || memcmp(b + 8, md, 32) != 0)
		goto out;
	size_t at = 40;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t dl;
		if (len - at < 8)
			goto out;
		memcpy(&dl, b + at, 8);
		at += 8;
		if (dl > len - at || (dl == 0) != (jobs[i].cnt == 0))
			goto out;
		if (dl > 0 && hs_deserialize_database(b + at, (size_t)dl,
						      &out[i]) != HS_SUCCESS)
			goto out;
		at += (size_t)dl;
	}
	if (at != len)
		goto out;
	futimens(fd, NULL); /* used: kept longer */
	rc = 0;
out:
	if (rc != 0)
		free_all(out, n);
	free(b);
	close(fd);
	return rc;
}

/* Writes the databases beside path and renames them into it. */
static int save(const char *dir, const char *path, hs_database_t **out,
		uint32_t n)
{
	char tmp[4200];
	size_t cap = 40, len = 40;
	char *b;
	int rc = -1;

	b = xmalloc(cap);
	for (uint32_t i = 0; i < n; i++) {
		char *s = NULL;
		size_t sl = 0;
		if (out[i] != NULL &&
		    hs_serialize_database(out[i], &s, &sl) != HS_SUCCESS) {
			free(b);
			return -1;
		}
		if (len + 8 + sl > cap) {
			while (len + 8 + sl > cap)
				cap *= 2;
			b = xreallocarray(b, cap, 1);
		}
		uint64_t dl = sl;
		memcpy(b + len, &dl, 8);
		if (sl)
			memcpy(b + len + 8, s, sl);
		len += 8 + sl;
		free(s);
	}
	memcpy(b, MAGIC, 8);
	sha256(b + 40, len - 40, (unsigned char *)b + 8);
	snprintf(tmp, sizeof(tmp), "%s/.rs-XXXXXX", dir);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		free(b);
		return -1;
	}
	size_t put_n = 0;
	while (put_n < len) {
		ssize_t w = write(fd, b + put_n, len - put_n);
		if (w <= 0)
			break;
		put_n += (size_t)w;
	}
	if (close(fd) == 0 && put_n == len && rename(tmp, path) == 0)
		rc = 0;
	else
		unlink(tmp);
	free(b);
	return rc;
}

struct ent {
	char name[128];
	int64_t mtime, size;
};

static int by_mtime(const void *x, const void *y)
{
	const struct ent *a = x, *b = y;
	return a->mtime < b->mtime ? 1 : a->mtime > b->mtime ? -1 : 0;
}

/* Keeps the KEEP rulesets used last (KEEP_BYTES at most, the newest
 * always), and no temporary file older than a day (a compilation that
 * was killed). */
static void prune(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct ent *v = NULL;
	size_t nv = 0, cap = 0;
	time_t now = time(NULL);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char p[4400];
		struct stat sb;
		bool tmp = strncmp(e->d_name, ".rs-", 4) == 0;
		if ((strncmp(e->d_name, "rs-", 3) != 0 && !tmp) ||
		    strlen(e->d_name) >= sizeof(v->name) ||
		    snprintf(p, sizeof(p), "%s/%s", dir, e->d_name) >=
			    (int)sizeof(p) ||
		    lstat(p, &sb) != 0 || !S_ISREG(sb.st_mode))
			continue;
		if (tmp) {
			if (sb.st_mtime < now - 86400)
				unlink(p);
			continue;
		}
		if (nv == cap) {
			cap = cap ? 2 * cap : 64;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		snprintf(v[nv].name, sizeof(v[nv].name), "%s", e->d_name);
		v[nv].mtime = (int64_t)sb.st_mtim.tv_sec * 1000000000 +
			      sb.st_mtim.tv_nsec;
		v[nv].size = (int64_t)sb.st_size;
		nv++;
	}
	closedir(d);
	qsort(v, nv, sizeof(*v), by_mtime);
	int64_t total = 0;
	for (size_t i = 0; i < nv; i++) {
		total += v[i].size;
		/* the newest one stays, whatever its size */
		if (i > 0 && (i >= KEEP || total > KEEP_BYTES)) {
			char p[4400];
			snprintf(p, sizeof(p), "%s/%s", dir, v[i].name);
			unlink(p);
		}
	}
	free(v);
}

int sg_hs_build(const struct sg_hsjob *jobs, uint32_t n, const char *cdir,
		hs_database_t **out, enum sg_hs_from *from, char *err,
		size_t errlen)
{
	char key[65], dir[4096], path[4200];

	*from = SG_HS_COMPILED;
	memset(out, 0, n * sizeof(*out));
	if (cdir == NULL || snprintf(dir, sizeof(dir), "%s", cdir) >=
				    (int)sizeof(dir) - 80)
		dir[0] = '\0';
	if (dir[0] != '\0') {
		key_of(jobs, n, key);
		snprintf(path, sizeof(path), "%s/rs-%s.hs", dir, key);
		if (load(path, n, jobs, out) == 0) {
			*from = SG_HS_CACHE;
			return 0;
		}
	}
	for (uint32_t i = 0; i < n; i++) {
		hs_compile_error_t *ce = NULL;
		if (jobs[i].cnt == 0)
			continue;
		if (hs_compile_lit_multi((const char *const *)jobs[i].ex,
					 jobs[i].fl, jobs[i].ids, jobs[i].lens,
					 jobs[i].cnt, HS_MODE_BLOCK, NULL,
					 &out[i], &ce) != HS_SUCCESS) {
			snprintf(err, errlen, "prefilter: %s",
				 ce ? ce->message : "compile failed");
			hs_free_compile_error(ce);
			free_all(out, n);
			return -1;
		}
	}
	if (dir[0] != '\0' && mkdirs(dir) == 0 && save(dir, path, out, n) == 0) {
		*from = SG_HS_SAVED;
		prune(dir);
	}
	return 0;
}
