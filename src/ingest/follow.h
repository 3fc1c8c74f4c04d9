/* Following one log file as it grows, is rotated (renamed, or copied and
 * truncated) and re-created, with a position that survives a restart.
 *
 * A file's successive contents under one path are its generations. The
 * follower numbers bytes across them (the logical offset: the base of
 * the generation plus the offset in it), so that a line keeps the same
 * offset whether it was read before or after a rotation, by this process
 * or by the next. A generation is recognised by its inode and a hash of
 * its first bytes (the head): a copy keeps the head, a truncated file
 * loses it. The follower does no waiting: the caller polls it when told
 * the file changed (inotify) or on a timer. */
#ifndef VG_FOLLOW_H
#define VG_FOLLOW_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reader.h"

#define VG_HEAD_MAX 256u

struct vg_fpos {
	uint64_t inode, offset, base, lineno;
	uint32_t headlen;
	uint64_t head; /* hash of the first headlen bytes */
	/* inode 0 (the file was not there): when that was saved (ns since
	 * the epoch; 0 unknown). Generations written since and already
	 * rotated away are read first at a restart. */
	int64_t saved_ns;
};

struct vg_follow_stats {
	uint64_t lines, bytes, truncated_lines;
	uint64_t rotations, truncations;
	/* files whose unread rest was found nowhere: truncated with no copy,
	 * or gone with its copies by a restart */
	uint64_t lost;
};

struct vg_follow;

/* path: the file followed. maxline: bound on a line (0: default). */
struct vg_follow *vg_follow_new(const char *path, size_t maxline);
void vg_follow_free(struct vg_follow *f);

/* Where to start: at a saved position (the generation is looked for under
 * path, then among its rotated siblings path.*), or with no position at
 * the start of the file, or at its end (from_end: the lines already there
 * are history, not news). Call once, before the first poll. */
void vg_follow_start(struct vg_follow *f, const struct vg_fpos *pos,
		     bool from_end);

/* Called for each complete line; offset is logical. */
typedef void (*vg_line_fn)(const struct vg_record *rec, void *arg);

/* Reads what is available, up to max lines, handing each to fn; follows
 * rotations. Returns the number of lines (0: nothing new), or -1 on an
 * I/O error (message in err; the follower retries on the next poll). */
int vg_follow_poll(struct vg_follow *f, uint32_t max, vg_line_fn fn,
		   void *arg, char *err, size_t errlen);

/* The position after the last line handed out. */
void vg_follow_pos(const struct vg_follow *f, struct vg_fpos *pos);

const char *vg_follow_path(const struct vg_follow *f);
bool vg_follow_open(const struct vg_follow *f);
const struct vg_follow_stats *vg_follow_stats(const struct vg_follow *f);

/* A rotated log that was compressed (.gz, .bz2, .xz, .zst, .lz4, .Z):
 * not followed. */
bool vg_log_compressed(const char *name);

/* "len:hash" for the store, and back (0, or -1 when malformed). */
void vg_fpos_head_str(const struct vg_fpos *p, char out[32]);
int vg_fpos_head_parse(struct vg_fpos *p, const char *s);

#endif
