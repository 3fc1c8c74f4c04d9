/* The line reader: bounds, CRLF, NUL bytes, gzip, no final newline. */
#include <unistd.h>
#include <zlib.h>

#include "../testutil.h"
#include "ingest/reader.h"

static char tmpl[] = "/tmp/vigie-test-XXXXXX";

static const char *write_file(const void *p, size_t n)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "%s", tmpl);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
	return path;
}

/* Reads everything; returns records joined by '|' (lengths checked). */
static const char *read_all(const char *path, size_t maxline,
			    struct vg_reader_stats *st)
{
	static char out[1 << 16];
	char err[256];
	struct vg_record rec[3];
	uint32_t n;
	size_t o = 0;
	struct vg_reader *r = vg_reader_open(path, maxline, err, sizeof(err));

	assert_non_null(r);
	out[0] = '\0';
	while (vg_reader_read(r, rec, 3, &n, err, sizeof(err)) == 0 && n > 0)
		for (uint32_t i = 0; i < n; i++) {
			assert_true(rec[i].len <= maxline);
			size_t k = rec[i].len < 40 ? rec[i].len : 40;
			if (o + k + 8 < sizeof(out)) {
				memcpy(out + o, rec[i].p, k);
				o += k;
				if (rec[i].flags & VG_REC_TRUNCATED)
					o += (size_t)snprintf(out + o, 8, "~%llu",
							      (unsigned long long)rec[i].lineno);
				out[o++] = '|';
			}
		}
	out[o] = '\0';
	*st = *vg_reader_stats(r);
	vg_reader_close(r);
	return out;
}

static void framing(void **s)
{
	(void)s;
	static const char data[] = "one\r\ntwo\n\n\nthree\nnul\0byte\nlast";
	struct vg_reader_stats st;
	const char *p = write_file(data, sizeof(data) - 1);

	assert_memory_equal(read_all(p, 64, &st), "one|two|three|nul\0byte|last|", 28);
	assert_int_equal(st.records, 5);
	assert_int_equal(st.blank, 2);
	assert_int_equal(st.oversize, 0);
	unlink(p);
}

static void oversize(void **s)
{
	(void)s;
	/* A 1 MiB line between two short ones, bound 64 KiB: cut, counted,
	 * and the next line is intact. */
	size_t big = 1u << 20;
	char *data = malloc(big + 32);
	struct vg_reader_stats st;
	size_t o = 0;

	memcpy(data, "before\n", 7);
	o = 7;
	memset(data + o, 'A', big);
	o += big;
	memcpy(data + o, "\nafter\n", 7);
	o += 7;
	const char *p = write_file(data, o);
	const char *got = read_all(p, 65536, &st);
	assert_string_equal(got, "before|AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA~2|after|");
	assert_int_equal(st.oversize, 1);
	assert_int_equal(st.records, 3);
	unlink(p);
	free(data);
}

static void gzip_rotated(void **s)
{
	(void)s;
	char path[64];
	struct vg_reader_stats st;
	gzFile gz;
	int fd;

	snprintf(path, sizeof(path), "%s", tmpl);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	gz = gzdopen(fd, "wb");
	for (int i = 0; i < 100000; i++)
		gzprintf(gz, "Jan  1 00:00:00 h sshd[%d]: line %d\n", i, i);
	gzclose(gz);
	const char *got = read_all(path, 65536, &st);
	assert_int_equal(st.records, 100000);
	assert_true(strncmp(got, "Jan  1 00:00:00 h sshd[0]: line 0|", 34) == 0);

	/* A truncated gzip file is an error with the file's name, after the
	 * lines that could be read. */
	FILE *f = fopen(path, "r+");
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	assert_int_equal(ftruncate(fileno(f), len / 2), 0);
	fclose(f);
	char err[256];
	struct vg_record rec[64];
	uint32_t n;
	int rc = 0;
	struct vg_reader *r = vg_reader_open(path, 0, err, sizeof(err));
	while ((rc = vg_reader_read(r, rec, 64, &n, err, sizeof(err))) == 0 && n > 0)
		;
	assert_int_equal(rc, -2);
	assert_non_null(strstr(err, path));
	vg_reader_close(r);
	unlink(path);
}

static void missing(void **s)
{
	(void)s;
	char err[256];
	assert_null(vg_reader_open("/nonexistent/auth.log", 0, err, sizeof(err)));
	assert_string_equal(err, "/nonexistent/auth.log: cannot open: No such file or directory");
	assert_null(vg_reader_open("/tmp", 0, err, sizeof(err)));
	assert_string_equal(err, "/tmp: is a directory");
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(framing), cmocka_unit_test(oversize),
		cmocka_unit_test(gzip_rotated), cmocka_unit_test(missing),
	};
	return cmocka_run_group_tests(t, NULL, NULL);
}
