/* Reading one input (a file, a gzip-compressed file, or standard input)
 * as records framed by line, with a hard bound on a record's length. */
#ifndef VG_READER_H
#define VG_READER_H
#include <stddef.h>
#include <stdint.h>

#define VG_MAXLINE_DEFAULT (64u * 1024u)

#define VG_REC_TRUNCATED 0x1u /* the line was longer than the bound */

struct vg_record {
	const char *p;   /* the line, without "\n" or "\r\n" */
	uint32_t len;
	uint32_t flags;  /* VG_REC_* */
	uint64_t offset; /* byte offset of the line in the (decompressed)
			  * stream */
	uint64_t lineno; /* 1-based */
};

struct vg_reader_stats {
	uint64_t records;  /* records handed out, truncated ones included */
	uint64_t bytes;    /* bytes of the decompressed stream consumed */
	uint64_t blank;    /* empty lines, not handed out */
	uint64_t oversize; /* lines longer than the bound (truncated) */
};

struct vg_reader;

/* Opens path ("-" is standard input) and detects gzip by its magic bytes.
 * maxline is the bound on a record (0 = VG_MAXLINE_DEFAULT). Returns the
 * reader, or NULL with a message naming the file in err. */
struct vg_reader *vg_reader_open(const char *path, size_t maxline, char *err,
				 size_t errlen);

/* Frames up to max records into rec[]. Records point into the reader's
 * buffer and stay valid until the next call. Sets *n (0 only at end of
 * input). Returns 0, or VG_E_IO with a message in err. */
int vg_reader_read(struct vg_reader *r, struct vg_record *rec, uint32_t max,
		   uint32_t *n, char *err, size_t errlen);

/* Modification time of the file (now, for standard input): the reference
 * instant for stamps without a year. UTC seconds. */
int64_t vg_reader_mtime(const struct vg_reader *r);

/* Size of the underlying file (0 if unknown) and how much of it has been
 * read, compressed bytes for gzip: for progress reporting. */
uint64_t vg_reader_size(const struct vg_reader *r);
uint64_t vg_reader_pos(const struct vg_reader *r);

const char *vg_reader_path(const struct vg_reader *r);
int vg_reader_is_gzip(const struct vg_reader *r);
const struct vg_reader_stats *vg_reader_stats(const struct vg_reader *r);

/* Peeks at the first bytes (decompressed): 1 if they contain a NUL byte
 * and so the file is binary, not a log. Does not consume anything. */
int vg_reader_looks_binary(struct vg_reader *r);

void vg_reader_close(struct vg_reader *r);

#endif
